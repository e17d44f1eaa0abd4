package dev.milvuscdc.replication;

import static dev.milvuscdc.rig.MilvusPair.with;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.rig.MilvusDriver;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.source.meta.SourceCatalog;
import dev.milvuscdc.source.meta.SourceEtcd;
import dev.milvuscdc.source.meta.SourceMetadata;
import dev.milvuscdc.task.TaskSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import milvus.proto.msg.Msg;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Tasks that say where they start: the hand-over from a backup restored on the target (the
 * collection's {@code positions} and {@code rpc_channel_info.position}, as milvus-backup records
 * them), and {@code use_start_position} (from the collection's first message). The real engine on
 * the rig; the target is compared with the source row by row and by {@code count(*)}.
 */
class HandOverIT {

    private static final Duration CATCH_UP = Duration.ofSeconds(180);
    private static final MilvusPair milvus = new MilvusPair();
    private static final MilvusDriver source = milvus.source;
    private static final MilvusDriver target = milvus.target;

    private EngineTask task;

    @AfterEach
    void stopTask() {
        if (task != null) {
            task.close();
            assertThat(task.listener.failed).isEmpty();
        }
    }

    @AfterAll
    static void closeDrivers() {
        milvus.close();
    }

    @Test
    void aCollectionRestoredFromABackupIsTakenOverAndStreamedFromWhereTheBackupWasTaken() throws Exception {
        String db = "handover_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> coll = Map.of("db", db, "name", "restored", "schema", "basic");
        source.run("create_database", Map.of("db", db));
        source.createLoaded(coll, 2);
        source.run("insert", with(coll, "start", 1, "count", 100));
        source.run("flush", coll);

        Map<String, String> backupPositions = positionsNow(db, "restored");
        String replicatePosition = position(replicateChannel(), replicateChannel());
        target.run("create_database", Map.of("db", db));
        target.run("create_collection", with(coll, "shards", 2));
        target.run("insert", with(coll, "start", 1, "count", 100));
        target.run("create_index", coll);

        source.run("insert", with(coll, "start", 101, "count", 100));
        source.run("upsert", with(coll, "start", 50, "count", 10, "version", 1));
        source.run("delete", with(coll, "ids", IntStream.rangeClosed(1, 10).boxed().toList()));
        source.run("release", coll);
        source.run("load", coll);

        task = EngineTask.start(db, new TaskSpec.CollectionInfo("restored", backupPositions, false),
                new TaskSpec.RpcChannelInfo(replicateChannel(), replicatePosition));

        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        assertThat(target.run("count", coll).get("count").asInt()).isEqualTo(190);
    }

    @Test
    void useStartPositionReadsACollectionThatExistedBeforeTheTaskFromItsFirstMessage() {
        String db = "from_start_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> coll = Map.of("db", db, "name", "old", "schema", "basic");
        source.run("create_database", Map.of("db", db));
        source.createLoaded(coll, 2);
        source.run("insert", with(coll, "start", 1, "count", 150));
        source.run("delete", with(coll, "ids", IntStream.rangeClosed(1, 5).boxed().toList()));

        task = EngineTask.start(db, new TaskSpec.CollectionInfo("old", null, true), null);
        milvus.indexAndLoadTheCopy(coll, CATCH_UP);

        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        assertThat(target.run("count", coll).get("count").asInt()).isEqualTo(145);
    }

    /** What milvus-backup records for a collection: per virtual channel, the position of the last message there. */
    private static Map<String, String> positionsNow(String db, String name) throws Exception {
        SourceEtcd etcd = new SourceEtcd(List.of(Rig.get().etcdEndpoints()), "", "", Rig.get().sourceEtcdRoot(), "meta");
        try (SourceCatalog now = SourceMetadata.list(etcd, Duration.ofSeconds(10))) {
            CollectionMeta collection = now.collections().stream()
                    .filter(c -> c.name().equals(name) && now.database(c.dbId()).orElseThrow().name().equals(db))
                    .findFirst().orElseThrow();
            Map<String, String> positions = new HashMap<>();
            for (int i = 0; i < collection.virtualChannels().size(); i++) {
                positions.put(collection.virtualChannels().get(i),
                        position(collection.physicalChannels().get(i), collection.virtualChannels().get(i)));
            }
            return positions;
        }
    }

    /**
     * A MsgPosition naming the last message of a channel now, base64 as the API takes it: the id
     * bytes are the queue's own (Kafka's offset, Pulsar's message id), as Milvus records them.
     */
    private static String position(String physicalChannel, String channelName) throws Exception {
        ChannelPosition end = RigReplication.sourceLog().endPositions(List.of(physicalChannel), Duration.ofSeconds(30))
                .get(physicalChannel);
        return Base64.getEncoder().encodeToString(Msg.MsgPosition.newBuilder().setChannelName(channelName)
                .setMsgID(ByteString.copyFrom(Base64.getDecoder().decode(end.messageId()))).build().toByteArray());
    }

    private static String replicateChannel() {
        return RigReplication.settings().log().replicateChannel();
    }
}
