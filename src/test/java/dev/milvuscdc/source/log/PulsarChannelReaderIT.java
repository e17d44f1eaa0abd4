package dev.milvuscdc.source.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.protobuf.ByteString;
import dev.milvuscdc.config.PulsarConfig;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.rig.PulsarAdmin;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.RigExtension;
import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import milvus.proto.msg.Msg;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.Producer;
import org.apache.pulsar.client.api.PulsarClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Where a reader starts and what it refuses, on the rig's Pulsar ({@code scripts/rig up --source-mq pulsar}). */
@ExtendWith(RigExtension.class)
class PulsarChannelReaderIT {

    private final String topic = "cdc-reader-it-" + UUID.randomUUID();
    private PulsarAdmin admin;
    private PulsarSource source;
    private PulsarClient client;
    private Producer<byte[]> producer;

    @BeforeEach
    void connect(Rig rig) throws Exception {
        assumeTrue(rig.pulsarSource(), "the rig's source is on Kafka; run it with scripts/rig up --source-mq pulsar");
        admin = new PulsarAdmin(rig);
        source = new PulsarSource(rig.pulsarConfig(rig.pulsarToken()), "by-dev-replicate-msg");
        client = PulsarClient.builder().serviceUrl(rig.pulsarUrl()).build();
        producer = client.newProducer().topic(source.topic(topic))
                .batchingMaxPublishDelay(1, TimeUnit.SECONDS).batchingMaxMessages(2).create();
    }

    @AfterEach
    void deleteTopic() throws Exception {
        if (client != null) {
            producer.close();
            client.close();
            source.close();
            admin.send("DELETE", "/" + topic + "?force=true");
        }
    }

    /** The last entry holds a batch of two, as Milvus's producer writes batches: a reader at the end reads none of them. */
    @Test
    void aNewReaderStartsAtTheEndAndCountsWhatTheChannelHeldWhenItStarted() throws Exception {
        produce(1);
        List<MessageId> written = produceOneBatch(2);
        assertThat(((MessageIdAdv) written.get(1)).getBatchIndex()).isEqualTo(1);
        ChannelPosition end = source.endPositions(List.of(topic), Duration.ofSeconds(10)).get(topic);
        try (ChannelReader reader = source.open(topic)) {
            reader.seekAfter(end);
            assertThat(reader.writtenBeforeStart(at(written.get(1)))).isTrue();
            MessageId later = produce(1).get(0);

            assertThat(reader.writtenBeforeStart(at(later))).as("written after the reader started").isFalse();
            assertThat(readIds(reader, 1)).containsExactly(entry(later));
        }
    }

    /** Milvus's replicate channel holds the operations of every earlier test: a new reader reads none of them. */
    @Test
    void aReaderAtTheEndOfMilvussReplicateChannelReadsNothingOld() throws Exception {
        String channel = source.replicateChannel();
        ChannelPosition end = source.endPositions(List.of(channel), Duration.ofSeconds(10)).get(channel);
        try (ChannelReader reader = source.open(channel)) {
            reader.seekAfter(end);
            List<LogMessage> read = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                read.addAll(reader.poll(Duration.ofMillis(300)));
            }

            assertThat(read).as("read after " + PulsarMessageIds.decode(end.messageId())).isEmpty();
        }
    }

    @Test
    void aReaderPlacedBeforeAMessageReadsItFirst() throws Exception {
        List<MessageId> written = produce(3);
        try (ChannelReader reader = source.open(topic)) {
            reader.seekAfter(source.positionBefore(topic, ByteString.copyFrom(written.get(0).toByteArray())));

            assertThat(readIds(reader, 3)).containsExactly(entry(written.get(0)), entry(written.get(1)), entry(written.get(2)));
        }
    }

    /**
     * Unloading the topic closes its ledger, so the next messages go to a new one; truncating it
     * deletes every ledger but the current one, as retention does with old ones.
     */
    @Test
    void aPositionWhoseLedgerIsGoneIsReportedNeverSkipped() throws Exception {
        List<MessageId> first = produce(2);
        admin.send("PUT", "/" + topic + "/unload");
        List<MessageId> second = produce(2);
        assertThat(((MessageIdAdv) second.get(0)).getLedgerId()).isGreaterThan(((MessageIdAdv) first.get(1)).getLedgerId());
        try (ChannelReader reader = source.open(topic)) {
            reader.seekAfter(at(first.get(1)));
            assertThat(readIds(reader, 1).get(0)).as("the end of a ledger that is still there leads to the next one")
                    .isEqualTo(entry(second.get(0)));
        }

        admin.send("DELETE", "/" + topic + "/truncate");
        try (ChannelReader reader = source.open(topic)) {
            reader.seekAfter(at(first.get(0)));

            assertThatThrownBy(() -> readIds(reader, 1)).isInstanceOf(PositionLostException.class)
                    .hasMessageContaining(topic)
                    .hasMessageContaining("ledger " + ((MessageIdAdv) first.get(0)).getLedgerId())
                    .hasMessageContaining("Re-create the task");
        }
    }

    /**
     * The rig's Milvus writes into its own tenant and namespace; a CDC left on Pulsar's defaults
     * would otherwise create the channels' topics empty there and replicate nothing, while Running.
     */
    @Test
    void aNamespaceWithoutTheSourcesTopicsIsRefusedAndNothingIsCreatedThere() throws Exception {
        PulsarConfig rigConfig = rig().pulsarConfig(rig().pulsarToken());
        PulsarConfig defaults = new PulsarConfig(rigConfig.address(), rigConfig.webAddress(), rigConfig.webPort(),
                "public", "default", rigConfig.authPlugin(), rigConfig.authParams());
        String channel = source.replicateChannel();
        try (PulsarSource elsewhere = new PulsarSource(defaults, channel)) {
            assertThatThrownBy(() -> elsewhere.endPositions(List.of(channel), Duration.ofSeconds(10)))
                    .isInstanceOf(PulsarLogException.class)
                    .hasMessageContaining("no topic persistent://public/default/" + channel)
                    .hasMessageContaining("sourceConfig.pulsar.tenant and namespace")
                    .satisfies(e -> assertThat(((SourceLogException) e).retriable()).isFalse());
            try (ChannelReader reader = elsewhere.open(channel)) {
                reader.seekAfter(source.endPositions(List.of(channel), Duration.ofSeconds(10)).get(channel));
                assertThatThrownBy(() -> reader.poll(Duration.ofMillis(100))).isInstanceOf(PulsarLogException.class)
                        .hasMessageContaining("no topic persistent://public/default/" + channel);
            }
        }
        assertThat(new PulsarAdmin(rig()).get("public/default", "")).as("topics of public/default").isEmpty();
    }

    /** The rig's broker checks tokens (Milvus, which has none, comes in as the anonymous role). */
    @Test
    void aTokenTheBrokerRefusesPausesWithTheCredentialsToFixAndIsNeverShown() throws Exception {
        String forged = rig().forgedPulsarToken();
        try (PulsarSource refused = new PulsarSource(rig().pulsarConfig(forged), "by-dev-replicate-msg")) {
            assertThatThrownBy(() -> refused.endPositions(List.of(topic), Duration.ofSeconds(10)))
                    .isInstanceOf(PulsarLogException.class)
                    .hasMessageContaining("refused the credentials")
                    .hasMessageContaining("sourceConfig.pulsar.authPlugin and authParams")
                    .hasMessageNotContaining(forged)
                    .satisfies(e -> assertThat(((SourceLogException) e).retriable()).isFalse());
            // the web service answers endPositions' topic check; the broker itself answers this one
            assertThatThrownBy(() -> refused.checkReachable(Duration.ofSeconds(10)))
                    .isInstanceOf(PulsarLogException.class)
                    .hasMessageContaining("refused the credentials")
                    .hasMessageContaining("sourceConfig.pulsar.authPlugin and authParams")
                    .hasMessageNotContaining(forged)
                    .satisfies(e -> assertThat(((SourceLogException) e).retriable()).isFalse());
        }
        assertThat(source.endPositions(List.of(topic), Duration.ofSeconds(10))).containsKey(topic);
    }

    private static Rig rig() {
        return Rig.get();
    }

    private ChannelPosition at(MessageId id) {
        return source.positionOf(topic, ByteString.copyFrom(id.toByteArray()), 0);
    }

    private static List<Long> entry(MessageId id) {
        return List.of(((MessageIdAdv) id).getLedgerId(), ((MessageIdAdv) id).getEntryId());
    }

    private static List<List<Long>> readIds(ChannelReader reader, int count) throws Exception {
        List<List<Long>> read = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            for (LogMessage message : reader.poll(Duration.ofMillis(200))) {
                read.add(entry(PulsarMessageIds.decode(message.position().messageId())));
            }
            return read.size() >= count;
        });
        return read;
    }

    /** Time ticks as Milvus writes them, so that the reader decodes what it reads. */
    private List<MessageId> produce(int count) throws Exception {
        List<MessageId> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ids.add(producer.send(tick(i + 1)));
        }
        return ids;
    }

    private List<MessageId> produceOneBatch(int count) throws Exception {
        List<CompletableFuture<MessageId>> sent = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            sent.add(producer.sendAsync(tick(i + 1)));
        }
        producer.flush();
        List<MessageId> ids = new ArrayList<>();
        for (CompletableFuture<MessageId> id : sent) {
            ids.add(id.get(10, TimeUnit.SECONDS));
        }
        return ids;
    }

    private static byte[] tick(long timestamp) {
        return Msg.TimeTickMsg.newBuilder()
                .setBase(MsgBase.newBuilder().setMsgType(MsgType.TimeTick).setTimestamp(timestamp)).build().toByteArray();
    }
}
