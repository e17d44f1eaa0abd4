package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.EncodedColumn;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.pipeline.PositionCommitter;
import dev.milvuscdc.pipeline.TickWatermarks;
import dev.milvuscdc.source.log.PositionLostException;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.IDs;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One channel read, applied and acknowledged; a fake reader, a source and a target in memory. */
class ChannelWorkerTest {

    private final CatalogFixture fixture = new CatalogFixture("*.*");
    private final FakeReader reader = new FakeReader("dml_0");
    private final List<ChannelPosition> stored = new CopyOnWriteArrayList<>();
    private final PositionCommitter committer = new PositionCommitter(Map.of(), stored::addAll);
    private final List<String> progress = new CopyOnWriteArrayList<>();
    private final AtomicInteger lost = new AtomicInteger();
    private final ChannelLag lag = new ChannelLag();
    private final CdcMetrics metrics = new CdcMetrics();
    private final ChangeApplier applier = new ChangeApplier(fixture.catalog, fixture.target, fixture.retrier,
            metrics, "t1", "dml_0");

    @BeforeEach
    void source() {
        fixture.source.collection(11, 1, "c", 100);
    }

    @AfterEach
    void close() {
        applier.close();
    }

    @Test
    void aTickReleasesItsRowsAndThePositionAdvancesOnlyOnceTheTargetHoldsThem() throws Exception {
        ChannelWorker worker = worker(true);
        reader.next(delete(0, 5, 9), insert(1, 10, 1, 2), insert(2, 30, 3), tick(3, 20));

        runUntilAcknowledged(worker, 1);

        assertThat(fixture.target.collection("default", "c").orElseThrow().keys()).containsExactly(1L, 2L);
        assertThat(committer.positions().get("dml_0").messageId()).as("before the row the tick did not release").isEqualTo("1");
        assertThat(progress).contains("read 20", "write 20");
        assertThat(lag.seconds(System.currentTimeMillis())).as("row 3 waits for a later tick").isPositive();

        reader.next(tick(4, 40));
        runUntilAcknowledged(worker, 2);
        assertThat(fixture.target.collection("default", "c").orElseThrow().keys()).containsExactly(1L, 2L, 3L);
        assertThat(committer.positions().get("dml_0").messageId()).isEqualTo("4");
        assertThat(lag.seconds(System.currentTimeMillis())).as("the target holds every change read").isZero();
    }

    @Test
    void insertsGoAheadOfTheirTickButThePositionWaitsForIt() throws Exception {
        ChannelWorker worker = worker(true);
        reader.next(insert(0, 10, 1), tick(1, 10));
        runUntilAcknowledged(worker, 1);
        reader.next(insert(2, 30, 3));

        worker.runOnce();

        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.target.collection("default", "c").orElseThrow().keys().contains(3L));
        committer.flush();
        assertThat(committer.positions().get("dml_0").messageId()).as("the tick of row 3 has not come").isEqualTo("1");
        assertThat(lag.seconds(System.currentTimeMillis())).as("acknowledged with its pack").isPositive();

        reader.next(tick(3, 30));
        runUntilAcknowledged(worker, 2);
        assertThat(committer.positions().get("dml_0").messageId()).isEqualTo("3");
        assertThat(lag.seconds(System.currentTimeMillis())).isZero();
        assertThat(fixture.target.calls).endsWith("insert default.c/_default [1]", "insert default.c/_default [3]");
        assertThat(metrics.scrape()).contains("milvus_cdc_ahead_rows_total{channel_name=\"dml_0\",task_id=\"t1\"} 1.0")
                .doesNotContain("milvus_cdc_ahead_rewritten_rows_total{");
    }

    @Test
    void anUpsertWhoseInsertWentAheadEndsWithTheRowAsTheSourceHasIt() throws Exception {
        ChannelWorker worker = worker(true);
        reader.next(insert(0, 10, 1), tick(1, 10));
        runUntilAcknowledged(worker, 1);
        reader.next(insert(2, 20, 1));
        worker.runOnce();
        reader.next(delete(3, 20, 1), tick(4, 21));

        runUntilAcknowledged(worker, 2);

        assertThat(fixture.target.collection("default", "c").orElseThrow().keys()).containsExactly(1L);
        assertThat(fixture.target.calls).containsSubsequence("insert default.c/_default [1]", "delete default.c/_default [1]",
                "upsert default.c/_default [1]");
        assertThat(metrics.scrape()).contains("milvus_cdc_ahead_rows_total{channel_name=\"dml_0\",task_id=\"t1\"} 1.0",
                "milvus_cdc_ahead_rewritten_rows_total{channel_name=\"dml_0\",task_id=\"t1\"} 1.0");
    }

    @Test
    void rowsTheChannelHeldWhenTheTaskStartedAreUpsertedSinceAnEarlierRunMayHaveAppliedThem() throws Exception {
        ChannelWorker worker = worker(true);
        reader.endAtStart = 2;
        reader.next(insert(0, 10, 1), tick(1, 11));
        runUntilAcknowledged(worker, 1);
        reader.next(insert(2, 20, 2), tick(3, 21));
        runUntilAcknowledged(worker, 2);

        assertThat(fixture.target.calls).contains("upsert default.c/_default [1]", "insert default.c/_default [2]");
    }

    @Test
    void theReplicateChannelHasNoTicksSoEachMessageIsAPackOfItsOwn() throws Exception {
        ChannelWorker worker = worker(false);
        reader.next(new LogMessage(position(0, 5), new ChangeEvent.CollectionCreated(11, 5)));

        runUntilAcknowledged(worker, 1);

        assertThat(fixture.target.collection("default", "c")).isPresent();
        assertThat(committer.positions().get("dml_0").messageId()).isEqualTo("0");
    }

    @Test
    void aPositionTheLogNoLongerHoldsIsCountedAndStopsTheChannel() {
        ChannelWorker worker = worker(true);
        reader.failure = new PositionLostException("dml_0", "gone", null);

        assertThatThrownBy(worker::runOnce).isSameAs(reader.failure);
        assertThat(lost).hasValue(1);
    }

    @Test
    void aQuietChannelReadToItsEndStopsHoldingTheReplicateTicksBack() throws Exception {
        TickWatermarks marks = new TickWatermarks();
        marks.register("dml_0");
        marks.register("dml_1");
        ChannelPosition busy = new ChannelPosition("dml_1", "7", 500);
        marks.acknowledged(busy, 500);
        marks.stored(List.of(busy));
        ChannelWorker worker = new ChannelWorker(reader, new ChannelPosition("dml_0", "-1", 0), true, applier,
                committer, fixture.retrier, (op, tick) -> { }, lost::incrementAndGet, lag, Optional.of(marks));
        reader.next(insert(0, 10, 1), tick(1, 20));
        runUntilAcknowledged(worker, 1);
        marks.stored(stored);
        reader.next(insert(2, 30, 2));

        runFor(worker, ChannelWorker.IDLE_AFTER.multipliedBy(2));
        assertThat(marks.safe()).as("a row waits for its tick: not idle").isEqualTo(20);

        reader.next(tick(3, 40));
        runUntilAcknowledged(worker, 2);
        marks.stored(stored);
        runFor(worker, ChannelWorker.IDLE_AFTER.multipliedBy(2));

        assertThat(marks.safe()).isEqualTo(500);
    }

    @Test
    void inTheReplicateWriteModeADeleteGoesAheadOfItsTickOnceAndThePositionWaitsForTheTick() throws Exception {
        TickWatermarks marks = new TickWatermarks();
        marks.register("dml_0");
        ChannelWorker worker = new ChannelWorker(reader, new ChannelPosition("dml_0", "-1", 0), true, applier,
                committer, fixture.retrier, (op, tick) -> { }, lost::incrementAndGet, lag, Optional.of(marks));
        reader.next(insert(0, 10, 1), tick(1, 10));
        runUntilAcknowledged(worker, 1);
        reader.next(delete(2, 30, 1));

        worker.runOnce();

        await("the delete, before its tick").atMost(Duration.ofSeconds(10))
                .until(() -> fixture.target.calls.contains("delete default.c/_default [1]"));
        committer.flush();
        assertThat(committer.positions().get("dml_0").messageId()).isEqualTo("1");

        reader.next(tick(3, 30));
        runUntilAcknowledged(worker, 2);
        assertThat(committer.positions().get("dml_0").messageId()).isEqualTo("3");
        assertThat(fixture.target.calls.stream().filter(call -> call.startsWith("delete"))).as("sent once").hasSize(1);
    }

    private static void runFor(ChannelWorker worker, Duration duration) throws InterruptedException {
        long deadline = System.nanoTime() + duration.toNanos();
        while (System.nanoTime() < deadline) {
            worker.runOnce();
        }
    }

    private ChannelWorker worker(boolean ticked) {
        return new ChannelWorker(reader, new ChannelPosition("dml_0", "-1", 0), ticked, applier, committer,
                fixture.retrier, (op, tick) -> progress.add(op + " " + tick.timestamp()), lost::incrementAndGet, lag);
    }

    private void runUntilAcknowledged(ChannelWorker worker, int flushes) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (stored.size() < flushes && System.nanoTime() < deadline) {
            worker.runOnce();
            committer.flush();
        }
        assertThat(stored).hasSizeGreaterThanOrEqualTo(flushes);
    }

    private static LogMessage insert(int offset, long ts, long... keys) {
        LongArray.Builder data = LongArray.newBuilder();
        for (long key : keys) {
            data.addData(key);
        }
        FieldData ids = FieldData.newBuilder().setFieldName("id").setFieldId(100).setType(DataType.Int64)
                .setScalars(ScalarField.newBuilder().setLongData(data)).build();
        return new LogMessage(position(offset, ts),
                new ChangeEvent.Insert(11, 110, "_default", keys.length, ts, List.of(EncodedColumn.of(ids))));
    }

    private static LogMessage delete(int offset, long ts, long... keys) {
        IDs ids = IDs.newBuilder().setIntId(LongArray.newBuilder().addAllData(Arrays.stream(keys).boxed().toList())).build();
        return new LogMessage(position(offset, ts), new ChangeEvent.Delete(11, 110, "_default", ids, ts));
    }

    private static LogMessage tick(int offset, long ts) {
        return new LogMessage(position(offset, ts), new ChangeEvent.TimeTick(ts));
    }

    private static ChannelPosition position(int offset, long ts) {
        return new ChannelPosition("dml_0", Integer.toString(offset), ts);
    }
}
