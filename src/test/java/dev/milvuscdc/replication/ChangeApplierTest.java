package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.EncodedColumn;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.sink.TargetObjectMissingException;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.IDs;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One channel's changes applied through the catalog of copies; a source and a target in memory. */
class ChangeApplierTest {

    private final CatalogFixture fixture = new CatalogFixture("*.*");
    private final ChangeApplier applier = new ChangeApplier(fixture.catalog, fixture.target, fixture.retrier,
            new CdcMetrics(), "t1", "dml_0");
    private int offset;

    @BeforeEach
    void source() {
        fixture.source.collection(11, 1, "c", 100);
        fixture.source.partition(21, 11, "p");
    }

    @AfterEach
    void close() {
        applier.close();
    }

    @Test
    void rowsReachTheirCollectionAndPartitionAsInsertsAndAsUpsertsInAReplay() throws Exception {
        applyAndWait(pack(insert(11, 21, "p", 1, 2), delete(11, -1, "", 2), insert(11, 110, "_default", 3)), false);
        applyAndWait(pack(insert(11, 21, "p", 4)), true);

        assertThat(fixture.target.calls).containsSubsequence("create collection default.c of 11",
                "create partition default.c/p", "insert default.c/p [1, 2]", "delete default.c/* [2]", "upsert default.c/p [4]");
        assertThat(fixture.target.calls).as("rows of other keys may overtake the delete").contains("insert default.c/_default [3]");
        assertThat(fixture.target.collection("default", "c").orElseThrow().keys()).containsExactly(1L, 3L, 4L);
    }

    @Test
    void rowsOfAPartitionTheSourceDroppedArePassedOver() throws Exception {
        fixture.source.dropPartition(21);

        applyAndWait(pack(insert(11, 21, "p", 1), insert(11, 110, "_default", 2)), false);

        assertThat(fixture.target.collection("default", "c").orElseThrow().keys()).containsExactly(2L);
        assertThat(fixture.target.calls).noneMatch(call -> call.contains("/p"));
    }

    @Test
    void aWriteThatFindsItsCollectionGoneBecauseTheSourceDroppedItIsPassedOver() throws Exception {
        applyAndWait(pack(insert(11, 110, "_default", 1)), false);
        fixture.target.dropByHand("default", "c");
        fixture.source.dropCollection(11);

        long last = applier.apply(pack(insert(11, 110, "_default", 2)), false);

        await().atMost(Duration.ofSeconds(10)).until(() -> applier.completedThrough() >= last);
        assertThat(fixture.listener.failed).isEmpty();
    }

    @Test
    void aWriteThatFindsItsCollectionGoneWhileTheSourceStillHasItFailsWithTheTargetsWords() throws Exception {
        applyAndWait(pack(insert(11, 110, "_default", 1)), false);
        fixture.target.dropByHand("default", "c");

        applier.apply(pack(insert(11, 110, "_default", 2)), false);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(applier::completedThrough)
                .isInstanceOf(TargetObjectMissingException.class)
                .hasMessageContaining("default.c"));
    }

    @Test
    void aDropWaitsForTheRowsBeforeItAndRowsAfterItOfTheDroppedCollectionArePassedOver() throws Exception {
        fixture.source.dropCollection(11);
        List<String> order = new CopyOnWriteArrayList<>();
        fixture.target.duringCalls(call -> {
            if (call.startsWith("insert")) {
                sleep(100);
            }
            order.add(call);
        });
        fixture.source.collection(12, 1, "d", 100);
        applyAndWait(pack(insert(12, 120, "_default", 1), new ChangeEvent.CollectionDropped(12, "d", 7)), false);

        assertThat(order).containsSubsequence("insert default.d/_default [1]", "drop collection default.d");
        applyAndWait(pack(insert(11, 110, "_default", 5)), false);
        assertThat(fixture.target.collection("default", "c")).isEmpty();
    }

    private void applyAndWait(List<LogMessage> pack, boolean replayed) throws Exception {
        long last = applier.apply(pack, replayed);
        await().atMost(Duration.ofSeconds(10)).until(() -> applier.completedThrough() >= last);
    }

    private List<LogMessage> pack(ChangeEvent... events) {
        return Arrays.stream(events)
                .map(e -> new LogMessage(new ChannelPosition("dml_0", Integer.toString(offset++), e.timestamp()), e))
                .toList();
    }

    private static ChangeEvent.Insert insert(long collection, long partition, String name, long... keys) {
        FieldData ids = FieldData.newBuilder().setFieldName("id").setFieldId(100).setType(DataType.Int64)
                .setScalars(ScalarField.newBuilder().setLongData(longs(keys))).build();
        return new ChangeEvent.Insert(collection, partition, name, keys.length, 5, List.of(EncodedColumn.of(ids)));
    }

    private static ChangeEvent.Delete delete(long collection, long partition, String name, long... keys) {
        return new ChangeEvent.Delete(collection, partition, name, IDs.newBuilder().setIntId(longs(keys)).build(), 6);
    }

    private static LongArray longs(long... keys) {
        LongArray.Builder data = LongArray.newBuilder();
        Arrays.stream(keys).forEach(data::addData);
        return data.build();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
