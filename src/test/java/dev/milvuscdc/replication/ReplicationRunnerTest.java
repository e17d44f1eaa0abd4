package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.EncodedColumn;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.sink.MilvusConnectException;
import dev.milvuscdc.sink.RetriableTargetException;
import dev.milvuscdc.sink.TargetConnector;
import dev.milvuscdc.snapshot.SnapshotSource;
import dev.milvuscdc.source.meta.MetaChange;
import dev.milvuscdc.source.meta.MetadataSource;
import dev.milvuscdc.source.meta.SourceCatalog;
import dev.milvuscdc.store.InMemoryTaskStore;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A task's runner over a source, a log and a target in memory: where it starts, how it fails, how it stops. */
class ReplicationRunnerTest {

    private static final String REPLICATE = FakeLog.REPLICATE;
    private static final Duration WATCH_EVERY = Duration.ofMillis(50);

    private final FakeSource source = new FakeSource();
    private final FakeTarget target = new FakeTarget();
    private final FakeLog log = new FakeLog();
    private final InMemoryTaskStore store = new InMemoryTaskStore();
    private final RecordingListener listener = new RecordingListener();
    private final AtomicInteger listings = new AtomicInteger();
    private final CountDownLatch watchMayOpen = new CountDownLatch(1);
    private TargetConnector connector = (param, replicateMode) -> new TargetConnector.Connected(target, () -> { });
    private ReplicationRunner runner;

    @AfterEach
    void stop() {
        watchMayOpen.countDown();
        if (runner != null) {
            runner.stop();
        }
    }

    @Test
    void aNewTaskStartsAtTheEndsOfItsCollectionsChannelsAndOfTheReplicateChannel() {
        source.database(5, "shop");
        source.collection(13, 5, "orders", 100);
        source.collection(14, 1, "elsewhere", 100);
        watchMayOpen.countDown();

        runner = runner(task("shop"));
        runner.start();

        assertThat(store.positions("t1")).containsOnlyKeys(REPLICATE, "dml_1");
        assertThat(store.positions("t1").get("dml_1").messageId()).isEqualTo("end");
    }

    @Test
    void aRestartedTaskStartsFromItsStoredPositionsWithoutWaitingForTheSource() {
        store.put(task("shop"));
        store.savePositions("t1", List.of(new ChannelPosition(REPLICATE, "3", 0), new ChannelPosition("dml_1", "5", 0)));

        runner = runner(store.get("t1").orElseThrow());
        runner.start();

        assertThat(listings).as("the source was not listed").hasValue(0);
        watchMayOpen.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> log.readers.containsKey("dml_1"));
        assertThat(log.readers.get("dml_1").seekedAfter.messageId()).isEqualTo("5");
    }

    @Test
    void aCollectionOnAChannelTheTaskDoesNotReadYetIsReadFromItsFirstMessage() {
        source.database(5, "shop");
        watchMayOpen.countDown();
        runner = runner(task("shop"));
        runner.start();
        assertThat(store.positions("t1")).containsOnlyKeys(REPLICATE);

        source.collection(13, 5, "orders", 100);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.watcher != null);
        log.watcher.accept(new MetaChange.CollectionPut(source.collection(13).orElseThrow(), false));

        await().atMost(Duration.ofSeconds(10)).until(() -> log.readers.containsKey("dml_1"));
        assertThat(log.readers.get("dml_1").seekedAfter.messageId()).as("just before the collection's first message")
                .isEqualTo("before 7");
    }

    @Test
    void aChannelFirstMetThroughANewerCollectionIsReadFromTheFirstMessageOfAnOlderOneThere() {
        startOverShopAndAwaitItsMetadataWorker();
        source.collection(13, 5, "orders", 100, "3");
        source.collection(17, 5, "returns", 200, "6");
        source.collection(21, 1, "elsewhere", 50, "1");

        meet(17);

        assertThat(awaitReader("dml_1").seekedAfter.messageId())
                .as("before the first message of orders, older than returns and on its channel; not of a collection out of scope")
                .isEqualTo("before 3");
    }

    @Test
    void aChannelReadForTheFirstTimeIsAPlaceToReadAgainFromBeforeAnyLaterPositionOfItIsStored() {
        startOverShopAndAwaitItsMetadataWorker();
        await().atMost(Duration.ofSeconds(10)).until(() -> store.catalog("t1").containsKey(ReplicationRunner.REPLAY_FROM_KEY));
        source.collection(13, 5, "orders", 100);
        meet(13);

        awaitReader("dml_1").next(insertIntoOrders(8, 20, 1), new LogMessage(new ChannelPosition("dml_1", "9", 21),
                new ChangeEvent.TimeTick(21)));
        await().atMost(Duration.ofSeconds(10)).until(() -> "9".equals(positionOf("dml_1")));

        // A server killed now starts from message 9; after a target restart it must read again from the channel's start.
        assertThat(ReplayPositions.decode(store.catalog("t1").get(ReplicationRunner.REPLAY_FROM_KEY)).get("dml_1"))
                .as("where a later run reads channel dml_1 again from").isNotNull()
                .extracting(ChannelPosition::messageId).isEqualTo("before 7");
    }

    /** Starts new task t1 over database shop; returns once the task met what the source had at its start. */
    private void startOverShopAndAwaitItsMetadataWorker() {
        source.database(5, "shop");
        watchMayOpen.countDown();
        runner = runner(task("shop"));
        runner.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .anyMatch(thread -> thread.getName().equals("cdc-t1-metadata")));
    }

    /** The metadata watch tells the task of the source collection's Created record. */
    private void meet(long collectionId) {
        log.watcher.accept(new MetaChange.CollectionPut(source.collection(collectionId).orElseThrow(), false));
    }

    private FakeReader awaitReader(String channel) {
        await().atMost(Duration.ofSeconds(10)).until(() -> log.readers.containsKey(channel));
        return log.readers.get(channel);
    }

    private String positionOf(String channel) {
        ChannelPosition stored = store.positions("t1").get(channel);
        return stored == null ? null : stored.messageId();
    }

    @Test
    void anErrorInAChannelThreadPausesTheTaskInsteadOfLeavingItRunningWithoutTheChannel() {
        startWithAStoredPosition();
        await().atMost(Duration.ofSeconds(10)).until(() -> log.readers.containsKey(REPLICATE));

        log.readers.get(REPLICATE).failure = new OutOfMemoryError("Java heap space");

        await().atMost(Duration.ofSeconds(10)).until(() -> !listener.failed.isEmpty());
        assertThat(listener.failed.get(0)).contains(REPLICATE).contains("OutOfMemoryError");
    }

    @Test
    void credentialsTheTargetRefusesPauseTheTaskAtOnce() {
        connector = (param, replicateMode) -> {
            throw new MilvusConnectException("the target Milvus at x refused the credentials", true);
        };
        startWithAStoredPosition();

        await().atMost(Duration.ofSeconds(10)).until(() -> !listener.failed.isEmpty());
        assertThat(listener.failed.get(0)).contains("refused the credentials");
        assertThat(listener.retrying).isEmpty();
    }

    @Test
    void anUnreachableTargetIsRetriedWhileTheTaskStaysRunning() {
        connector = (param, replicateMode) -> {
            throw new MilvusConnectException("cannot reach the target Milvus at x within 5 s");
        };
        startWithAStoredPosition();

        await().atMost(Duration.ofSeconds(10)).until(() -> listener.retrying.size() >= 2);
        assertThat(listener.failed).isEmpty();
        assertThat(listener.retrying.get(0)).contains("cannot reach the target");
    }

    @Test
    void stoppingWritesTheLastPositionsAcknowledged() {
        startWithAStoredPosition();
        await().atMost(Duration.ofSeconds(10)).until(() -> log.readers.containsKey(REPLICATE));
        source.collection(13, 1, "c", 1);
        log.readers.get(REPLICATE).next(new LogMessage(new ChannelPosition(REPLICATE, "4", 9),
                new ChangeEvent.CollectionCreated(13, 9)));
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.positions().get(REPLICATE).messageId().equals("4"));

        runner.stop();
        runner = null;

        assertThat(store.positions("t1").get(REPLICATE).messageId()).isEqualTo("4");
    }

    @Test
    void aTargetFoundDownSetsThePositionsBackAndRestartsTheTaskAndNoLaterPositionIsStored() {
        AtomicInteger refusals = new AtomicInteger();
        target.duringCalls(call -> {
            if (call.startsWith("insert") && refusals.getAndIncrement() < 2) {
                throw new RetriableTargetException("insert into", "shop.orders", "connection refused", "wait", null, true);
            }
        });
        FakeReader channel = readingOrdersOnDml1();

        channel.next(insertIntoOrders(8, 20, 1), new LogMessage(new ChannelPosition("dml_1", "9", 21), new ChangeEvent.TimeTick(21)));

        await().atMost(Duration.ofSeconds(10)).until(() -> !listener.restarts.isEmpty());
        await().atMost(Duration.ofSeconds(10)).until(() -> runner.positions().get("dml_1").messageId().equals("9"));
        assertThat(listener.restarts).hasSize(1).allSatisfy(reason -> assertThat(reason).contains("12 minutes ago"));
        assertThat(listener.failed).isEmpty();
        assertThat(store.positions("t1").get("dml_1").messageId()).as("back to where the task began to read the channel,"
                + " less than 12 minutes ago").isEqualTo("before 7");
    }

    @Test
    void aTargetWhoseDataNodeRestartedWhileTheTaskWroteNothingSetsThePositionsBackAndRestartsTheTask() {
        FakeReader channel = readingOrdersOnDml1();
        channel.next(insertIntoOrders(8, 20, 1), new LogMessage(new ChannelPosition("dml_1", "9", 21), new ChangeEvent.TimeTick(21)));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.positions("t1").get("dml_1").messageId().equals("9"));
        await().atMost(Duration.ofSeconds(10)).until(() -> "datanode1".equals(store.catalog("t1").get(TargetIdentity.DATA_NODES_KEY)));
        assertThat(store.catalog("t1")).containsEntry(TargetIdentity.PROXY_KEY, "1");

        target.restartDataNode();

        await().atMost(Duration.ofSeconds(10)).until(() -> !listener.restarts.isEmpty());
        assertThat(listener.restarts).hasSize(1).allSatisfy(reason -> assertThat(reason)
                .startsWith("the target Milvus restarted (its data nodes were datanode1, now datanode2)")
                .contains("12 minutes ago"));
        assertThat(listener.failed).isEmpty();
        assertThat(store.positions("t1").get("dml_1").messageId()).isEqualTo("before 7");
        assertThat(store.catalog("t1")).as("set back already: the next run must not set back again")
                .doesNotContainKeys(TargetIdentity.DATA_NODES_KEY, TargetIdentity.PROXY_KEY);
    }

    @Test
    void aStandaloneTargetThatRestartedWhileTheTaskWroteNothingIsNoticedByItsNewProxy() {
        FakeReader channel = readingOrdersOnDml1();
        channel.next(insertIntoOrders(8, 20, 1), new LogMessage(new ChannelPosition("dml_1", "9", 21), new ChangeEvent.TimeTick(21)));
        await().atMost(Duration.ofSeconds(10)).until(() -> store.positions("t1").get("dml_1").messageId().equals("9"));

        target.restartStandalone();

        await().atMost(Duration.ofSeconds(10)).until(() -> !listener.restarts.isEmpty());
        assertThat(listener.restarts).hasSize(1).allSatisfy(reason -> assertThat(reason)
                .startsWith("the target Milvus restarted (its proxy was node 1, now node 2)"));
        assertThat(store.positions("t1").get("dml_1").messageId()).isEqualTo("before 7");
    }

    @Test
    void aTaskThatStartsAfterItsTargetRestartedUnseenReadsAgainFromWhereItStood12MinutesAgo() {
        startAtReplicatePosition3WhoseRunLastSaw(Map.of(TargetIdentity.DATA_NODES_KEY, "datanode0"));

        await().atMost(Duration.ofSeconds(10)).until(() -> "datanode1".equals(store.catalog("t1")
                .get(TargetIdentity.DATA_NODES_KEY)));
        assertThat(store.positions("t1").get(REPLICATE).messageId()).isEqualTo("1");
        assertThat(listener.failed).isEmpty();
    }

    @Test
    void aTaskThatStartsAfterItsStandaloneTargetRestartedUnseenReadsAgainAndForgetsTheOldDataNodes() {
        startAtReplicatePosition3WhoseRunLastSaw(Map.of(TargetIdentity.PROXY_KEY, "7", TargetIdentity.DATA_NODES_KEY, "datanode0"));

        await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(store.catalog("t1").get(TargetIdentity.PROXY_KEY)));
        assertThat(store.positions("t1").get(REPLICATE).messageId()).isEqualTo("1");
        assertThat(store.catalog("t1").get(TargetIdentity.DATA_NODES_KEY)).as("the names of the process that stopped")
                .isNotEqualTo("datanode0");
        assertThat(listener.failed).isEmpty();
    }

    @Test
    void aTaskThatStartsOnTheDataNodesItLastSawKeepsItsPositions() {
        startAtReplicatePosition3WhoseRunLastSaw(Map.of(TargetIdentity.DATA_NODES_KEY, "datanode1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> log.readers.containsKey(REPLICATE));
        assertThat(store.positions("t1").get(REPLICATE).messageId()).isEqualTo("3");
    }

    /**
     * Starts task t1 over database shop as a server restart does, from position 3 of the replicate
     * channel; its last run recorded the target's node ids {@code lastSeen} and would read again from 1.
     */
    private void startAtReplicatePosition3WhoseRunLastSaw(Map<String, String> lastSeen) {
        task("shop");
        store.savePositions("t1", List.of(new ChannelPosition(REPLICATE, "3", 0)));
        Map<String, String> entries = new HashMap<>(lastSeen);
        entries.put(ReplicationRunner.REPLAY_FROM_KEY,
                ReplayPositions.encode(Map.of(REPLICATE, new ChannelPosition(REPLICATE, "1", 0))));
        store.updateCatalog("t1", entries, List.of());
        watchMayOpen.countDown();
        runner = runner(store.get("t1").orElseThrow());
        runner.start();
    }

    /** Runs task t1 over database shop, whose collection orders (source id 13) is on channel dml_1. */
    private FakeReader readingOrdersOnDml1() {
        source.database(5, "shop");
        watchMayOpen.countDown();
        runner = runner(task("shop"));
        runner.start();
        source.collection(13, 5, "orders", 100);
        await().atMost(Duration.ofSeconds(10)).until(() -> log.watcher != null);
        log.watcher.accept(new MetaChange.CollectionPut(source.collection(13).orElseThrow(), false));
        await().atMost(Duration.ofSeconds(10)).until(() -> log.readers.containsKey("dml_1"));
        return log.readers.get("dml_1");
    }

    private static LogMessage insertIntoOrders(int offset, long ts, long... keys) {
        LongArray.Builder data = LongArray.newBuilder();
        Arrays.stream(keys).forEach(data::addData);
        FieldData ids = FieldData.newBuilder().setFieldName("id").setFieldId(100).setType(DataType.Int64)
                .setScalars(ScalarField.newBuilder().setLongData(data)).build();
        return new LogMessage(new ChannelPosition("dml_1", Integer.toString(offset), ts),
                new ChangeEvent.Insert(13, 130, "_default", keys.length, ts, List.of(EncodedColumn.of(ids))));
    }

    /** Starts task t1 over database shop as a server restart does: from a stored replicate channel position. */
    private void startWithAStoredPosition() {
        task("shop");
        store.savePositions("t1", List.of(new ChannelPosition(REPLICATE, "3", 0)));
        watchMayOpen.countDown();
        runner = runner(store.get("t1").orElseThrow());
        runner.start();
    }

    private ReplicationRunner runner(TaskRecord task) {
        ReplicationSettings settings = new ReplicationSettings(log, metadata(), connector,
                Duration.ofMillis(50), Duration.ofMillis(10), Duration.ofMillis(50), WATCH_EVERY, SnapshotSource.unconfigured());
        return new ReplicationRunner(task, listener, settings, store, new CdcMetrics());
    }

    private MetadataSource metadata() {
        return new MetadataSource() {
            @Override
            public SourceCatalog watch(Consumer<MetaChange> changes) {
                try {
                    watchMayOpen.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                log.watcher = changes;
                return source;
            }

            @Override
            public SourceCatalog list(Duration timeout) {
                listings.incrementAndGet();
                return source;
            }
        };
    }

    private TaskRecord task(String database) {
        TaskSpec spec = new TaskSpec(new TaskSpec.MilvusConnectParam("http://target:19530", null, null, 0, null, null,
                false, null, 0, false, 1), null, null,
                Map.of(database, List.of(new TaskSpec.CollectionInfo("*", null, false))), null, null, null, null, false, "t1");
        TaskRecord task = new TaskRecord("t1", spec, TaskState.Running, "");
        store.put(task);
        return task;
    }
}
