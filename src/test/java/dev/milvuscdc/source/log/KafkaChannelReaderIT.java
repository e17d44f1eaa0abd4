package dev.milvuscdc.source.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.RigExtension;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Which messages a reader counts as written before it started, on the rig's Kafka. */
@ExtendWith(RigExtension.class)
class KafkaChannelReaderIT {

    private final String topic = "cdc-reader-it-" + UUID.randomUUID();
    private final KafkaSource source = new KafkaSource(Rig.get().kafkaBootstrap(), Map.of(), "by-dev-replicate-msg", 1);

    @Test
    void aReaderResumingFromAStoredPositionCountsWhatTheChannelHeldWhenItStarted() throws Exception {
        produce(3);
        try (KafkaChannelReader reader = new KafkaChannelReader(source, topic)) {
            reader.seekAfter(Optional.of(at(0)));

            assertThat(reader.writtenBeforeStart(at(2))).isTrue();
            assertThat(reader.writtenBeforeStart(at(3))).isFalse();
            produce(1);
            assertThat(reader.writtenBeforeStart(at(3))).as("written after the reader started").isFalse();
        }
    }

    @Test
    void aNewReaderStartsAtTheEndSoNothingAfterItWasWrittenBefore() throws Exception {
        produce(2);
        try (KafkaChannelReader reader = new KafkaChannelReader(source, topic)) {
            ChannelPosition start = reader.seekAfter(Optional.empty());

            assertThat(start.messageId()).isEqualTo(KafkaMessageIds.encode(1));
            assertThat(reader.writtenBeforeStart(at(1))).isTrue();
            assertThat(reader.writtenBeforeStart(at(2))).isFalse();
        }
    }

    /** The rig's Kafka is the source's: leave only Milvus's own topics on it. */
    @AfterEach
    void deleteTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrap()))) {
            admin.deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        }
    }

    private ChannelPosition at(long offset) {
        return new ChannelPosition(topic, KafkaMessageIds.encode(offset), 0);
    }

    private void produce(int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrap());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, new byte[] {1})).get();
            }
        }
    }
}
