package dev.milvuscdc.source.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.RigExtension;
import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import milvus.proto.msg.Msg;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Which messages a reader counts as written before it started, on the rig's Kafka. */
@ExtendWith(RigExtension.class)
class KafkaChannelReaderIT {

    private final String topic = "cdc-reader-it-" + UUID.randomUUID();
    private final KafkaSource source = new KafkaSource(Rig.get().kafkaBootstrap(), Map.of(), "by-dev-replicate-msg");

    @Test
    void aReaderResumingFromAStoredPositionCountsWhatTheChannelHeldWhenItStarted() throws Exception {
        produce(3);
        try (ChannelReader reader = source.open(topic)) {
            reader.seekAfter(at(0));

            assertThat(reader.writtenBeforeStart(at(2))).isTrue();
            assertThat(reader.writtenBeforeStart(at(3))).isFalse();
            produce(1);
            assertThat(reader.writtenBeforeStart(at(3))).as("written after the reader started").isFalse();
        }
    }

    @Test
    void aNewReaderStartsAtTheEndSoNothingAfterItWasWrittenBefore() throws Exception {
        produce(2);
        ChannelPosition start = source.endPositions(List.of(topic), Duration.ofSeconds(10)).get(topic);
        try (ChannelReader reader = source.open(topic)) {
            reader.seekAfter(start);

            assertThat(start.messageId()).isEqualTo(KafkaMessageIds.encode(1));
            assertThat(reader.writtenBeforeStart(at(1))).isTrue();
            assertThat(reader.writtenBeforeStart(at(2))).isFalse();
        }
    }

    /**
     * Retention removes a topic's oldest messages by moving its log start offset; the Admin API's
     * deleteRecords moves it the same way, at once.
     */
    @Test
    void aPositionThatRetentionRemovedIsReportedWithTheOffsetsNeverSkipped() throws Exception {
        produce(5);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrap()))) {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(3))).all()
                    .get(30, TimeUnit.SECONDS);
        }
        try (ChannelReader reader = source.open(topic)) {
            reader.seekAfter(at(0));

            assertThatThrownBy(() -> {
                for (int i = 0; i < 20; i++) {
                    reader.poll(Duration.ofMillis(200));
                }
            }).isInstanceOf(PositionLostException.class)
                    .hasMessageContaining(topic)
                    .hasMessageContaining("next offset to read is 1")
                    .hasMessageContaining("holds offsets 3 to 5");
        }
        try (ChannelReader reader = source.open(topic)) {
            reader.seekAfter(at(2));

            List<Long> read = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                reader.poll(Duration.ofMillis(200)).forEach(m -> read.add(KafkaMessageIds.decode(m.position().messageId())));
                return read.size() >= 2;
            });
            assertThat(read).as("a reader that stands just before the oldest message loses nothing").containsExactly(3L, 4L);
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

    /** A time tick as Milvus writes it, so the reader decodes what it reads. */
    private static byte[] tick(long timestamp) {
        return Msg.TimeTickMsg.newBuilder()
                .setBase(MsgBase.newBuilder().setMsgType(MsgType.TimeTick).setTimestamp(timestamp)).build().toByteArray();
    }

    private void produce(int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrap());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, null, tick(i + 1))).get();
            }
        }
    }
}
