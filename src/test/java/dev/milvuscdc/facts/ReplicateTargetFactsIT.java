package dev.milvuscdc.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.RigExtension;
import dev.milvuscdc.rig.SourceLog;
import dev.milvuscdc.rig.SourceLog.LogRecord;
import dev.milvuscdc.sink.MessageReplicator;
import dev.milvuscdc.sink.MilvusConnection;
import dev.milvuscdc.sink.MilvusPeer;
import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.MsgType;
import io.milvus.grpc.ShowPartitionsRequest;
import io.milvus.grpc.ShowPartitionsResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import milvus.proto.msg.Msg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a target Milvus 2.3.5 in replicate mode ({@code common.ttMsgEnabled=false}) does with the
 * source's own DML messages sent through {@code ReplicateMessage}, the ground of the replicate write
 * mode (issue 13, docs/replicate-mode.md). Runs on {@code scripts/rig up --target-replicate-mode}
 * ({@code scripts/test} starts one); on an ordinary target it is skipped.
 *
 * <p>The target collection is made and loaded while ticks flow, then the ticks are held, the source
 * takes 1,000 inserts into two shards, a delete of five keys and an upsert of twenty; its messages
 * are read from the source's Kafka topics and readdressed to the target's shard of the same index.
 */
@ExtendWith(RigExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicateTargetFactsIT {

    private static final int INSERTED = 1_000;
    private static final int UPSERTED = 20;

    private static ReplicateTarget target;
    private static MilvusPair pair;
    private static Map<String, Object> collection;
    /** The source's insert and delete messages of the collection, readdressed, by target physical channel. */
    private static final Map<String, List<ByteString>> messages = new LinkedHashMap<>();
    private static long lastTs;

    @BeforeAll
    static void writeTheSourceWhileTheTargetsTicksAreHeld() throws Exception {
        Assumptions.assumeTrue(Rig.get().targetReplicateMode(), "the rig's target is not in replicate mode");
        target = new ReplicateTarget();
        pair = new MilvusPair();
        String name = "repl_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        collection = Map.of("name", name, "schema", "basic");
        target.startTicking();
        pair.target.createLoaded(collection, 2);
        target.holdTicks();

        SourceLog log = new SourceLog(Rig.get().kafkaBootstrap());
        var start = log.endOffsets();
        pair.source.createLoaded(collection, 2);
        pair.source.run("insert", Map.of("name", name, "schema", "basic", "start", 0, "count", INSERTED));
        pair.source.run("delete", Map.of("name", name, "schema", "basic", "ids", List.of(1, 2, 3, 4, 5)));
        pair.source.run("upsert", Map.of("name", name, "schema", "basic", "start", 10, "count", UPSERTED, "version", 1));
        readdress(log.readFrom(start), name);
    }

    private static void readdress(List<LogRecord> records, String name) throws Exception {
        try (MilvusConnection source = MilvusConnection.open(MilvusPeer.SOURCE, new MilvusConnectParam(
                Rig.get().sourceUri(), null, null, 0, null, null, false, null, 0, false, 10))) {
            DescribeCollectionResponse from = describe(source, name);
            DescribeCollectionResponse to = describe(target.connection, name);
            ShowPartitionsResponse partitions = target.connection.stub().showPartitions(
                    ShowPartitionsRequest.newBuilder().setCollectionName(name).build());
            long targetDefault = partitions.getPartitionIDs(partitions.getPartitionNamesList().indexOf("_default"));
            for (LogRecord record : records) {
                Addressed message = addressed(record);
                if (message == null || message.collectionId() != from.getCollectionID()) {
                    continue;
                }
                int shard = from.getVirtualChannelNamesList().indexOf(message.shard());
                messages.computeIfAbsent(to.getPhysicalChannelNames(shard), k -> new ArrayList<>())
                        .add(MessageReplicator.readdressed(ByteString.copyFrom(record.value()), to.getVirtualChannelNames(shard),
                                to.getCollectionID(), record.type() == MsgType.Insert ? targetDefault : -1));
                lastTs = Math.max(lastTs, message.ts());
            }
        }
        assertThat(messages).hasSize(2);
    }

    private record Addressed(long collectionId, String shard, long ts) {
    }

    private static Addressed addressed(LogRecord record) throws InvalidProtocolBufferException {
        if (record.type() == MsgType.Insert) {
            Msg.InsertRequest insert = Msg.InsertRequest.parseFrom(record.value());
            return new Addressed(insert.getCollectionID(), insert.getShardName(), insert.getTimestamps(0));
        }
        if (record.type() == MsgType.Delete) {
            Msg.DeleteRequest delete = Msg.DeleteRequest.parseFrom(record.value());
            return new Addressed(delete.getCollectionID(), delete.getShardName(), delete.getTimestamps(0));
        }
        return null;
    }

    private static DescribeCollectionResponse describe(MilvusConnection connection, String name) {
        return connection.stub().describeCollection(DescribeCollectionRequest.newBuilder().setCollectionName(name).build());
    }

    @AfterAll
    static void close() {
        if (pair != null) {
            pair.close();
        }
        if (target != null) {
            target.close();
        }
    }

    @Test
    @Order(1)
    void messagesSentTwiceBeforeTheNextTickAreAppliedOnce() {
        for (int time = 0; time < 2; time++) {
            messages.forEach((pchannel, batch) -> target.replicator.send(pchannel, batch, lastTs, lastTs));
        }
        target.releaseTicks();

        pair.awaitTargetEqualsSource(collection, Duration.ofSeconds(60));
        assertThat(target.tickFailure()).isNull();
    }

    @Test
    @Order(2)
    void messagesSentAgainAfterATickPassedThemAreDuplicated() {
        long before = pair.target.run("count", collection).get("count").asLong();
        assertThat(before).isEqualTo(INSERTED - 5);

        messages.forEach((pchannel, batch) -> target.replicator.send(pchannel, batch, lastTs, lastTs));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(pair.target.run("count", collection).get("count").asLong())
                        .isEqualTo(before + INSERTED + UPSERTED));
    }
}
