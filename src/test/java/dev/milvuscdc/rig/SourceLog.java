package dev.milvuscdc.rig;

import com.google.protobuf.InvalidProtocolBufferException;
import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgHeader;
import io.milvus.grpc.MsgType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads what the source Milvus wrote to Kafka, as Milvus's own consumer decodes it. */
public final class SourceLog {

    public record LogRecord(String topic, long offset, MsgBase base, byte[] value, List<String> headerKeys, byte[] key) {
        public MsgType type() {
            return base.getMsgType();
        }
    }

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;

    public SourceLog(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Partition count of each non-internal topic. */
    public Map<String, Integer> partitionCounts() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            Map<String, Integer> counts = new TreeMap<>();
            consumer.listTopics().forEach((topic, partitions) -> {
                if (!topic.startsWith("__")) {
                    counts.put(topic, partitions.size());
                }
            });
            return counts;
        }
    }

    /** The end offset of every non-internal topic now: where records written from now on will start. */
    public Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.endOffsets(partitions(consumer));
        }
    }

    /**
     * Every record of every non-internal topic from {@code start} (the beginning for a topic it does not
     * name) up to the end offsets at the time of the call, in offset order per topic. Reading from a
     * start keeps what earlier work on a long-lived rig left in the topics out of memory.
     */
    public List<LogRecord> readFrom(Map<TopicPartition, Long> start) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            partitions.stream().filter(start::containsKey).forEach(p -> consumer.seek(p, start.get(p)));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<LogRecord> records = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read " + partitions + " up to " + end + " from " + bootstrap
                            + " within " + READ_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        records.add(decode(r));
                    }
                }
            }
            return records;
        }
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer) {
        return consumer.listTopics().values().stream()
                .flatMap(Collection::stream)
                .filter(p -> !p.topic().startsWith("__"))
                .map(p -> new TopicPartition(p.topic(), p.partition()))
                .toList();
    }

    private static LogRecord decode(ConsumerRecord<byte[], byte[]> r) {
        try {
            List<String> headerKeys = new ArrayList<>();
            r.headers().forEach(h -> headerKeys.add(h.key()));
            return new LogRecord(r.topic(), r.offset(), MsgHeader.parseFrom(r.value()).getBase(), r.value(), headerKeys, r.key());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("record " + r.topic() + "@" + r.offset() + " is not a Milvus MsgHeader", e);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
