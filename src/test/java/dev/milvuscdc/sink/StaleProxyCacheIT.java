package dev.milvuscdc.sink;

import static dev.milvuscdc.sink.FieldColumns.floatVectors;
import static dev.milvuscdc.sink.FieldColumns.longs;
import static dev.milvuscdc.sink.MilvusTargetWriterRowsIT.primaryKey;
import static dev.milvuscdc.sink.TargetFixture.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.rig.Rig;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.MutationResult;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Milvus 2.3.5 target that restarted a moment ago: its proxy caches a collection, a partition is then
 * created, and the proxy never learns of it, because the root coordinator sent the change to the proxy of
 * before the restart. Writes naming that partition fail (the fault schedule's task paused on it); the
 * writer refreshes the proxy's cache and writes ({@link ProxyCacheRefresh}).
 */
class StaleProxyCacheIT {

    private static final String DB = "default";

    @Test
    void writesToAPartitionCreatedRightAfterATargetRestartArriveThoughTheProxyMissedTheCreation() throws Exception {
        try (TargetFixture target = new TargetFixture()) {
            writeAfterARestart(target);
        }
    }

    private static void writeAfterARestart(TargetFixture target) {
        String name = TargetFixture.uniqueName("stale_proxy");
        target.create(DB, name, TargetFixture.schema(name, false, List.of(
                primaryKey(field(100, "id", DataType.Int64)), field(101, "fv", DataType.FloatVector, "dim", "4"))));
        target.index(DB, name, "fv", "FLAT", "L2");
        target.load(DB, name);

        Rig.get().stop("milvus-target");
        Rig.get().start("milvus-target");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).ignoreExceptions()
                .untilAsserted(() -> target.insert(DB, name, "_default", rows(1L), 1));
        target.writer.createPartition(DB, name, "p1");

        MutationResult direct = target.connection.stub(DB).insert(InsertRequest.newBuilder().setDbName(DB)
                .setCollectionName(name).setPartitionName("p1").addAllFieldsData(rows(2L)).setNumRows(1).build());
        assertThat(direct.getStatus().getReason())
                .as("the target's proxy does not know the new partition (the Milvus behaviour this test is about)")
                .contains("partition not found");

        target.insert(DB, name, "p1", rows(3L, 4L, 5L), 3);

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            assertThat(target.count(DB, name)).isEqualTo(4);
            assertThat(target.query(DB, name, "id", "id in [3, 4, 5]", List.of("id"))).containsOnlyKeys(3L, 4L, 5L);
        });
    }

    private static List<FieldData> rows(Long... ids) {
        return List.of(longs("id", 100, ids), floatVectors("fv", 101, 4, Collections.nCopies(4 * ids.length, 0.5f)));
    }
}
