package dev.milvuscdc.facts;

import static dev.milvuscdc.facts.EtcdMetadataFactsIT.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.milvuscdc.rig.MilvusDriver;
import dev.milvuscdc.rig.PulsarAdmin;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.RigExtension;
import dev.milvuscdc.source.meta.proto.EtcdMeta.CollectionInfo;
import dev.milvuscdc.source.meta.proto.EtcdMeta.KeyDataPair;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.MsgHeader;
import io.milvus.grpc.MsgType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import milvus.proto.msg.Msg.CreateCollectionRequest;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.impl.BatchMessageIdImpl;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What Milvus 2.3.5 writes to Pulsar (a rig started with {@code --source-mq pulsar}): topic names,
 * message ids, what its own subscriptions are, and how a reader starts after an id.
 */
@ExtendWith(RigExtension.class)
class PulsarLogFactsIT {


    private static Rig rig;
    private static PulsarAdmin admin;
    private static PulsarClient client;
    private static MilvusDriver source;
    private static SourceMetaKeys keys;
    private static final String collection = "pulsar_facts_" + UUID.randomUUID().toString().replace("-", "");

    @BeforeAll
    static void createACollectionOnTheSource(Rig theRig) throws Exception {
        rig = theRig;
        assumeTrue(rig.pulsarSource(), "the rig's source is on Kafka; run it with scripts/rig up --source-mq pulsar");
        admin = new PulsarAdmin(rig);
        client = PulsarClient.builder().serviceUrl(rig.pulsarUrl()).build();
        source = MilvusDriver.source();
        keys = new SourceMetaKeys(rig.etcdEndpoints(), rig.sourceEtcdRoot());
        source.run("create_collection", Map.of("name", collection, "schema", "basic", "shards", 2));
        source.run("insert", Map.of("name", collection, "schema", "basic", "start", 1, "count", 10));
    }

    @AfterAll
    static void close() throws Exception {
        if (source != null) {
            source.run("drop_collection", Map.of("name", collection));
            source.close();
            keys.close();
            client.close();
        }
    }

    @Test
    void everyChannelIsANonPartitionedTopicOfTheConfiguredTenantAndNamespace() throws Exception {
        JsonNode topics = admin.get("");
        JsonNode partitioned = admin.get("/partitioned");

        assertThat(topics).extracting(JsonNode::asText).contains(admin.topic("by-dev-replicate-msg"))
                .allMatch(t -> t.matches(Pattern.quote(admin.topic("")) + "(by-dev-replicate-msg|by-dev-rootcoord-dml_[0-3])"));
        assertThat(partitioned).isEmpty();
    }

    /** Milvus consumes through durable subscriptions of its own; a reader's is not durable and goes with it. */
    @Test
    void milvusHoldsDurableSubscriptionsAndAReaderLeavesNoneBehind() throws Exception {
        String topic = info().getPhysicalChannelNames(0);
        JsonNode before = admin.get("/" + topic + "/stats").path("subscriptions");
        List<String> during;
        try (Reader<byte[]> reader = client.newReader().topic(admin.topic(topic)).startMessageId(MessageId.latest)
                .subscriptionRolePrefix("milvus-cdc").create()) {
            during = names(admin.get("/" + topic + "/stats").path("subscriptions"));
            assertThat(reader.isConnected()).isTrue();
        }
        JsonNode after = admin.get("/" + topic + "/stats").path("subscriptions");

        assertThat(names(before)).isNotEmpty().allSatisfy(s -> assertThat(before.path(s).path("isDurable").asBoolean()).isTrue());
        assertThat(during).anyMatch(s -> s.startsWith("milvus-cdc"));
        assertThat(names(after)).noneMatch(s -> s.startsWith("milvus-cdc"));
    }

    /**
     * The start positions Milvus records in etcd are serialized MessageIdData of a batch of one
     * (batch index 0) with partition 0, where the broker says -1 for the same message of a
     * non-partitioned topic: they point at the collection's CreateCollection message on each channel.
     */
    @Test
    void startPositionsAreBatchIdsThatPointAtTheCreateCollection() throws Exception {
        CollectionInfo info = info();
        assertThat(info.getStartPositionsList()).hasSize(2);
        for (KeyDataPair start : info.getStartPositionsList()) {
            MessageIdAdv id = (MessageIdAdv) MessageId.fromByteArray(start.getData().toByteArray());
            assertThat(id.getBatchIndex()).isZero();
            assertThat(id.getPartitionIndex()).isZero();

            try (Reader<byte[]> reader = client.newReader().topic(admin.topic(start.getKey())).startMessageId(id)
                    .startMessageIdInclusive().create()) {
                Message<byte[]> first = reader.readNext(10, TimeUnit.SECONDS);
                MessageIdAdv read = (MessageIdAdv) first.getMessageId();
                assertThat(read.getPartitionIndex()).isEqualTo(-1);
                assertThat(List.of(read.getLedgerId(), read.getEntryId(), (long) read.getBatchIndex()))
                        .isEqualTo(List.of(id.getLedgerId(), id.getEntryId(), (long) id.getBatchIndex()));
                assertThat(first.getKey()).isNull();
                assertThat(MsgHeader.parseFrom(first.getData()).getBase().getMsgType()).isEqualTo(MsgType.CreateCollection);
                assertThat(parse(first.getData(), CreateCollectionRequest::parseFrom).getCollectionID()).isEqualTo(info.getID());
            }
        }
    }

    /**
     * How the engine positions a reader: started after an id in the broker's form (partition -1) it
     * reads the next message; started after (ledger, entry - 1) without batch index it reads that
     * entry first (the reader may hand back entry - 1 again, see PulsarChannelReaderIT); (ledger, -1)
     * is the ledger's start.
     */
    @Test
    void aReaderStartedAfterAnIdReadsTheMessageThatFollowsIt() throws Exception {
        KeyDataPair start = info().getStartPositions(0);
        MessageIdAdv recorded = (MessageIdAdv) MessageId.fromByteArray(start.getData().toByteArray());
        MessageIdAdv create = new BatchMessageIdImpl(recorded.getLedgerId(), recorded.getEntryId(), -1, recorded.getBatchIndex());
        String topic = admin.topic(start.getKey());

        List<MessageIdAdv> afterCreate = read(topic, create, 2);
        MessageId beforeCreate = new MessageIdImpl(create.getLedgerId(), create.getEntryId() - 1, -1);
        MessageId ledgerStart = new MessageIdImpl(create.getLedgerId(), -1, -1);

        assertThat(afterCreate.get(0).getLedgerId()).isEqualTo(create.getLedgerId());
        assertThat(afterCreate.get(0).getEntryId()).isEqualTo(create.getEntryId() + 1);
        assertThat(read(topic, beforeCreate, 2)).extracting(MessageIdAdv::getEntryId).contains(create.getEntryId());
        assertThat(read(topic, ledgerStart, 1).get(0).getEntryId()).isZero();
        assertThat(read(topic, ledgerStart, 1).get(0).getLedgerId()).isEqualTo(create.getLedgerId());
    }

    private static List<MessageIdAdv> read(String topic, MessageId after, int count) throws Exception {
        List<MessageIdAdv> ids = new ArrayList<>();
        try (Reader<byte[]> reader = client.newReader().topic(topic).startMessageId(after).create()) {
            while (ids.size() < count) {
                Message<byte[]> message = reader.readNext(10, TimeUnit.SECONDS);
                assertThat(message).as("a message after " + after).isNotNull();
                ids.add((MessageIdAdv) message.getMessageId());
            }
        }
        return ids;
    }

    private static CollectionInfo info() {
        return keys.prefix("meta/root-coord/database/collection-info/").values().stream()
                .map(v -> parse(v, CollectionInfo::parseFrom))
                .filter(i -> parse(i.getSchema().toByteArray(), CollectionSchema::parseFrom).getName().equals(collection))
                .findFirst().orElseThrow();
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
