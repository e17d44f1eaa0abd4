package dev.milvuscdc.facts;

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

/** Reads what the source Milvus wrote to Kafka, every topic from its beginning, as Milvus's own consumer decodes it. */
final class SourceLog {

    record LogRecord(String topic, long offset, MsgBase base, byte[] value, List<String> headerKeys, byte[] key) {
        MsgType type() {
            return base.getMsgType();
        }
    }

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrap;

    SourceLog(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Partition count of each non-internal topic. */
    Map<String, Integer> partitionCounts() {
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

    /** Every record of every non-internal topic up to the end offsets at the time of the call, in offset order per topic. */
    List<LogRecord> readAll() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.listTopics().values().stream()
                    .flatMap(Collection::stream)
                    .filter(p -> !p.topic().startsWith("__"))
                    .map(p -> new TopicPartition(p.topic(), p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
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
