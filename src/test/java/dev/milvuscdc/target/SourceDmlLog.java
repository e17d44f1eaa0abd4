package dev.milvuscdc.target;

import com.google.protobuf.InvalidProtocolBufferException;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.MsgHeader;
import io.milvus.grpc.MsgType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import milvus.proto.msg.Msg;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The real Insert, Delete and CreateCollection messages the source Milvus wrote to its Kafka DML
 * channels for one collection, in the order a replicator applies them: by timestamp, and at equal
 * timestamps (an upsert) deletes before inserts.
 */
final class SourceDmlLog {

    private static final String DML_TOPIC_PREFIX = "by-dev-rootcoord-dml_";
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    record Message(MsgType type, long timestamp, byte[] payload) {
    }

    private SourceDmlLog() {
    }

    static List<Message> of(String bootstrap, String collection) throws InvalidProtocolBufferException {
        List<Message> messages = new ArrayList<>();
        for (byte[] value : readAll(bootstrap)) {
            var base = MsgHeader.parseFrom(value).getBase();
            long timestamp = base.getTimestamp();
            String name = switch (base.getMsgType()) {
                case Insert -> {
                    Msg.InsertRequest insert = Msg.InsertRequest.parseFrom(value);
                    // 2.3.5 leaves base.timestamp 0 on the insert half of an upsert; its rows carry the real one.
                    timestamp = insert.getTimestampsCount() > 0 ? insert.getTimestamps(0) : timestamp;
                    yield insert.getCollectionName();
                }
                case Delete -> Msg.DeleteRequest.parseFrom(value).getCollectionName();
                // 2.3.5 leaves collectionName empty here; the schema carries the name.
                case CreateCollection -> CollectionSchema.parseFrom(Msg.CreateCollectionRequest.parseFrom(value).getSchema()).getName();
                default -> "";
            };
            if (name.equals(collection)) {
                messages.add(new Message(base.getMsgType(), timestamp, value));
            }
        }
        messages.sort(Comparator.comparingLong(Message::timestamp).thenComparing(m -> m.type() != MsgType.Delete));
        return messages;
    }

    private static List<byte[]> readAll(String bootstrap) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.ENABLE_METRICS_PUSH_CONFIG, "false");
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.listTopics().values().stream().flatMap(Collection::stream)
                    .filter(p -> p.topic().startsWith(DML_TOPIC_PREFIX))
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<byte[]> values = new ArrayList<>();
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("could not read the DML topics of " + bootstrap + " within " + READ_TIMEOUT);
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.offset() < end.get(new TopicPartition(r.topic(), r.partition()))) {
                        values.add(r.value());
                    }
                }
            }
            return values;
        }
    }
}
