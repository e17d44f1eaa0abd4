package dev.milvuscdc.chaos;

import com.fasterxml.jackson.databind.node.TextNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import dev.milvuscdc.source.log.MessageDecoder;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.IDs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * How rows were written: every insert and delete of some keys of one collection in the DML topics of
 * a Milvus that logs to Kafka, read from the topics' start. For the keys a target misses, the kind and
 * the time of their last write on the source tell which path lost them and near which fault (the
 * fault schedule's report, {@link FaultScheduleIT}). The rig's target logs to its own rocksmq, which
 * nothing outside reads, so only the source's side can be traced.
 */
final class KafkaKeyTrace {

    /** One insert or delete of a key: its kind, the change's timestamp, and where it lies in the log. */
    record Event(String kind, long timestamp, String topic, long offset) {
        @Override
        public String toString() {
            return kind + "@" + timestamp + " " + topic + ":" + offset;
        }
    }

    private static final String PRIMARY_KEY = "id";
    private static final Duration POLL = Duration.ofSeconds(2);
    /** A Milvus hybrid timestamp is the wall clock in milliseconds above 18 logical bits. */
    private static final int LOGICAL_BITS = 18;

    private KafkaKeyTrace() {
    }

    /**
     * The events of each key, in log order per topic. Keys are written as the comparison writes
     * them: an integer as such, a string JSON-quoted.
     */
    static Map<String, List<Event>> trace(String bootstrap, String topicPrefix, long collectionId, Set<String> keys) {
        Map<String, List<Event>> events = new HashMap<>();
        Properties props = new Properties();
        props.put("bootstrap.servers", bootstrap);
        props.put("key.deserializer", ByteArrayDeserializer.class.getName());
        props.put("value.deserializer", ByteArrayDeserializer.class.getName());
        props.put("enable.auto.commit", "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.listTopics().forEach((topic, infos) -> {
                if (topic.startsWith(topicPrefix)) {
                    infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
                }
            });
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    Optional<ChangeEvent> event = decode(record.value());
                    if (event.isEmpty()) {
                        continue;
                    }
                    for (Map.Entry<String, String> hit : keysOf(event.get(), collectionId).entrySet()) {
                        if (keys.contains(hit.getKey())) {
                            events.computeIfAbsent(hit.getKey(), k -> new ArrayList<>()).add(new Event(hit.getValue(),
                                    event.get().timestamp(), record.topic(), record.offset()));
                        }
                    }
                }
            }
        }
        return events;
    }

    /**
     * How the keys were last written in the log, each kind with the span of times (seconds after
     * {@code epochMillis}) and a few examples: by an upsert (an insert and a delete at one
     * timestamp), by an insert, by a delete, or never.
     */
    static String lastWrites(Set<String> keys, Map<String, List<Event>> events, long epochMillis) {
        Map<String, List<String>> byKind = new TreeMap<>();
        Map<String, long[]> spans = new HashMap<>();
        for (String key : keys) {
            List<Event> written = events.getOrDefault(key, List.of());
            String kind = lastWriteKind(written);
            byKind.computeIfAbsent(kind, k -> new ArrayList<>()).add(key);
            if (!written.isEmpty()) {
                long millis = (written.get(written.size() - 1).timestamp() >>> LOGICAL_BITS) - epochMillis;
                long[] span = spans.computeIfAbsent(kind, k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
                span[0] = Math.min(span[0], millis);
                span[1] = Math.max(span[1], millis);
            }
        }
        return byKind.entrySet().stream().map(e -> {
            long[] span = spans.get(e.getKey());
            return e.getValue().size() + " " + e.getKey() + (span == null ? ""
                    : " at %.1f-%.1f s".formatted(span[0] / 1000.0, span[1] / 1000.0)) + " (e.g. "
                    + e.getValue().stream().limit(2).map(k -> k + ": " + events.getOrDefault(k, List.of()))
                    .collect(Collectors.joining("; ")) + ")";
        }).collect(Collectors.joining(", "));
    }

    private static String lastWriteKind(List<Event> written) {
        if (written.isEmpty()) {
            return "never written";
        }
        Event last = written.get(written.size() - 1);
        if (written.size() > 1) {
            Event before = written.get(written.size() - 2);
            if (before.timestamp() == last.timestamp() && !before.kind().equals(last.kind())) {
                return "last written by an upsert";
            }
        }
        return last.kind().equals("insert") ? "last written by an insert" : "last written by a delete";
    }

    private static Optional<ChangeEvent> decode(byte[] value) {
        try {
            return MessageDecoder.decode(ByteString.copyFrom(value));
        } catch (InvalidProtocolBufferException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The keys an insert or delete of the collection carries, each with the change's kind. */
    private static Map<String, String> keysOf(ChangeEvent event, long collectionId) {
        Map<String, String> found = new HashMap<>();
        try {
            if (event instanceof ChangeEvent.Insert insert && insert.collectionId() == collectionId) {
                for (EncodedColumn column : insert.columns()) {
                    if (column.name().equals(PRIMARY_KEY)) {
                        FieldData data = FieldData.parseFrom(column.bytes());
                        data.getScalars().getLongData().getDataList().forEach(k -> found.put(k.toString(), "insert"));
                        data.getScalars().getStringData().getDataList().forEach(k -> found.put(quoted(k), "insert"));
                    }
                }
            } else if (event instanceof ChangeEvent.Delete delete && delete.collectionId() == collectionId) {
                IDs ids = delete.primaryKeys();
                ids.getIntId().getDataList().forEach(k -> found.put(k.toString(), "delete"));
                ids.getStrId().getDataList().forEach(k -> found.put(quoted(k), "delete"));
            }
        } catch (InvalidProtocolBufferException e) {
            return Map.of();
        }
        return found;
    }

    private static String quoted(String key) {
        return TextNode.valueOf(key).toString();
    }
}
