package dev.milvuscdc.control;

import static dev.milvuscdc.task.TaskSpecFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.server.FakeRunners.Gate;
import dev.milvuscdc.server.FakeRunners;
import dev.milvuscdc.store.InMemoryTaskStore;
import dev.milvuscdc.task.CollectionPattern;
import dev.milvuscdc.task.FaultKind;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskScope;
import dev.milvuscdc.task.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The control plane under requests that overlap: each task's requests take turns, other tasks
 * never wait for a slow runner, and the checks across tasks hold. Runners are fakes that can be
 * held in their start or stop; the store is in memory.
 */
@Timeout(60)
class TaskManagerConcurrencyTest {

    private static final Duration AT_ONCE = Duration.ofSeconds(5);
    /** The task ids the mixed requests use, so that they meet on the same tasks. */
    private static final List<String> IDS = List.of("t0", "t1", "t2", "t3");

    private final InMemoryTaskStore store = new InMemoryTaskStore();
    private final FakeRunners runners = new FakeRunners();
    private final CdcMetrics metrics = new CdcMetrics();
    private TaskManager manager = manager(100, TaskManager.REQUEST_WAIT);

    private TaskManager manager(int maxTaskNum, Duration requestWait) {
        return new TaskManager(store, store.leases("server-a", Duration.ofSeconds(10)), runners, param -> { }, Optional::empty,
                new TaskLimits(maxTaskNum, 256, "by-dev-replicate-msg", true), metrics, requestWait);
    }

    @AfterEach
    void close() {
        runners.openGates();
        manager.close();
        assertThat(runners.violations()).isEmpty();
    }

    /** A request on a thread of its own, so a test can see it wait. */
    private record Request<T>(Thread thread, CompletableFuture<T> result) {

        interface Action {
            void run() throws Exception;
        }

        static Request<Void> run(Action action) {
            return start(() -> {
                action.run();
                return null;
            });
        }

        static <T> Request<T> start(Callable<T> call) {
            CompletableFuture<T> result = new CompletableFuture<>();
            Thread thread = new Thread(() -> {
                try {
                    result.complete(call.call());
                } catch (Exception | AssertionError e) {
                    result.completeExceptionally(e);
                }
            });
            thread.start();
            return new Request<>(thread, result);
        }

        /** Waits until the request waits for something (its task's lock), then checks it has not answered. */
        Request<T> awaitWaiting() {
            await().until(() -> result.isDone() || switch (thread.getState()) {
                case BLOCKED, WAITING, TIMED_WAITING -> true;
                default -> false;
            });
            assertThat(result).as("the request should still wait").isNotDone();
            return this;
        }

        T answer() throws InterruptedException, ExecutionException {
            try {
                return result.get(10, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError("no answer within 10 s", e);
            }
        }

        /** The message of a failed request, or empty when it succeeded. */
        Optional<String> failure() throws InterruptedException {
            try {
                answer();
                return Optional.empty();
            } catch (ExecutionException e) {
                return Optional.of(e.getCause().getMessage());
            }
        }
    }

    private TaskState state(String id) {
        return store.get(id).orElseThrow().state();
    }

    @Test
    void ofTwoOverlappingCreatesAtOnceExactlyOneSucceeds() throws InterruptedException {
        for (int round = 0; round < 20; round++) {
            String target = "http://round" + round + ":19530";
            CountDownLatch go = new CountDownLatch(1);
            Request<String> whole = Request.start(() -> {
                go.await();
                return manager.create(spec(target, "*"));
            });
            Request<String> one = Request.start(() -> {
                go.await();
                return manager.create(spec(target, "orders"));
            });
            go.countDown();

            List<Optional<String>> failures = List.of(whole.failure(), one.failure());
            assertThat(failures).as("round " + round).filteredOn(Optional::isEmpty).hasSize(1);
            assertThat(failures).filteredOn(Optional::isPresent).singleElement()
                    .satisfies(f -> assertThat(f.orElseThrow()).startsWith("the collection name is duplicate with existing task, "));
        }
        assertThat(store.list()).hasSize(20).allMatch(t -> t.state() == TaskState.Running);
    }

    @Test
    void aCreateOverlappingATaskStillStartingIsRefusedWithoutWaitingForIt() throws Exception {
        Gate starting = runners.holdStarts("first");
        Request<String> first = Request.start(() -> manager.create(spec("http://a:1", "*").withTaskId("first")));
        starting.awaitReached();

        assertTimeoutPreemptively(AT_ONCE, () -> assertThatThrownBy(() -> manager.create(spec("http://a:1", "orders")))
                .hasMessage("the collection name is duplicate with existing task, [default.orders]"));

        starting.open();
        assertThat(first.answer()).isEqualTo("first");
        assertThat(store.list()).extracting(TaskRecord::taskId).containsExactly("first");
    }

    @Test
    void concurrentCreatesNeverExceedTheTaskLimit() throws InterruptedException {
        manager = manager(3, TaskManager.REQUEST_WAIT);
        runners.jitter(Duration.ofMillis(5), 7);
        CountDownLatch go = new CountDownLatch(1);
        List<Request<String>> creates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String collection = "c" + i;
            creates.add(Request.start(() -> {
                go.await();
                return manager.create(spec("http://a:1", collection));
            }));
        }
        go.countDown();

        List<Optional<String>> failures = new ArrayList<>();
        for (Request<String> create : creates) {
            failures.add(create.failure());
        }
        assertThat(failures).filteredOn(Optional::isEmpty).hasSize(3);
        assertThat(failures).filteredOn(Optional::isPresent).extracting(Optional::orElseThrow)
                .containsOnly("the task num has reach the limit, 3");
        assertThat(store.list()).hasSize(3);
    }

    @Test
    void aTaskIdGivenTwiceAtOnceMakesOneTaskAndBothAnswersWaitForItsStart() throws Exception {
        Gate starting = runners.holdStarts("fixed");
        Request<String> first = Request.start(() -> manager.create(spec("http://a:1", "c").withTaskId("fixed")));
        starting.awaitReached();

        Request<String> second = Request.start(() -> manager.create(spec("http://a:1", "c").withTaskId("fixed")))
                .awaitWaiting();
        starting.open();

        assertThat(first.answer()).isEqualTo("fixed");
        assertThat(second.answer()).isEqualTo("fixed");
        assertThat(store.list()).extracting(TaskRecord::taskId).containsExactly("fixed");
        assertThat(runners.created()).hasSize(1);
        assertThat(state("fixed")).isEqualTo(TaskState.Running);
    }

    @Test
    void aPauseDuringACreateWaitsForItThenPauses() throws Exception {
        Gate starting = runners.holdStarts("t");
        Request<String> create = Request.start(() -> manager.create(spec("http://a:1", "c").withTaskId("t")));
        starting.awaitReached();

        Request<Void> pause = Request.run(() -> manager.pause("t")).awaitWaiting();
        starting.open();

        assertThat(create.answer()).isEqualTo("t");
        assertThat(pause.failure()).isEmpty();
        assertThat(state("t")).isEqualTo(TaskState.Paused);
        assertThat(store.get("t").orElseThrow().reason()).isEqualTo(TaskManager.MANUAL_PAUSE);
        assertThat(runners.active("t")).isZero();
    }

    @Test
    void aDeleteDuringACreateWaitsForItThenDeletes() throws Exception {
        Gate starting = runners.holdStarts("t");
        Request<String> create = Request.start(() -> manager.create(spec("http://a:1", "c").withTaskId("t")));
        starting.awaitReached();

        Request<Void> delete = Request.run(() -> manager.delete("t", false)).awaitWaiting();
        starting.open();

        assertThat(create.answer()).isEqualTo("t");
        assertThat(delete.failure()).isEmpty();
        assertThat(store.list()).isEmpty();
        assertThat(runners.last("t").stopped).isTrue();
        assertThat(metricState("t")).isEqualTo(-1);
    }

    @Test
    void requestsOfOtherTasksDoNotWaitForASlowStop() throws Exception {
        String slow = manager.create(spec("http://a:1", "slow"));
        String other = manager.create(spec("http://a:1", "other"));
        Gate stopping = runners.holdStops(slow);
        Request<Void> delete = Request.run(() -> manager.delete(slow, false));
        stopping.awaitReached();

        assertTimeoutPreemptively(AT_ONCE, () -> {
            manager.pause(other);
            manager.resume(other);
            manager.create(spec("http://a:1", "third"));
        });
        assertThat(state(other)).isEqualTo(TaskState.Running);
        assertThat(delete.result()).isNotDone();

        stopping.open();
        assertThat(delete.failure()).isEmpty();
        assertThat(store.get(slow)).isEmpty();
    }

    @Test
    void getListAndPositionAnswerWhileATaskStopsSlowly() throws Exception {
        String id = manager.create(spec("http://a:1", "c"));
        ChannelPosition live = new ChannelPosition("by-dev-rootcoord-dml_0", "AQAAAAAAAAA=", 42L);
        runners.reportPositions(Map.of(live.channel(), live));
        Gate stopping = runners.holdStops(id);
        Request<Void> pause = Request.run(() -> manager.pause(id));
        stopping.awaitReached();

        assertTimeoutPreemptively(AT_ONCE, () -> {
            assertThat(manager.get(id).state()).as("Running until its runner has stopped").isEqualTo(TaskState.Running);
            assertThat(manager.list()).extracting(TaskRecord::taskId).containsExactly(id);
            assertThat(manager.positions(id)).containsEntry(live.channel(), live);
        });

        stopping.open();
        assertThat(pause.failure()).isEmpty();
        assertThat(manager.get(id).state()).isEqualTo(TaskState.Paused);
    }

    @Test
    void aRequestThatWaitsTooLongAnswersBusyAndChangesNothing() throws Exception {
        manager = manager(100, Duration.ofMillis(300));
        String id = manager.create(spec("http://a:1", "c"));
        Gate stopping = runners.holdStops(id);
        Request<Void> pause = Request.run(() -> manager.pause(id));
        stopping.awaitReached();

        assertTimeoutPreemptively(AT_ONCE, () -> assertThatThrownBy(() -> manager.delete(id, false))
                .isInstanceOf(TaskRequestException.class)
                .hasMessageMatching("the task is busy with pause: stopping its runner for \\d+ s, try again later, task_id: " + id)
                .matches(e -> !((TaskRequestException) e).isClientError()));

        stopping.open();
        assertThat(pause.failure()).isEmpty();
        assertThat(state(id)).as("the delete changed nothing").isEqualTo(TaskState.Paused);
    }

    @Test
    void aFailureReportPausesItsTaskWhileAnotherTaskStopsSlowly() throws Exception {
        String slow = manager.create(spec("http://a:1", "slow"));
        String failing = manager.create(spec("http://a:1", "failing"));
        Gate stopping = runners.holdStops(slow);
        runners.last(slow).listener.failed(FaultKind.TARGET, "target collection has another schema");
        stopping.awaitReached();

        runners.last(failing).listener.failed(FaultKind.TARGET, "no permission on the target");

        await().atMost(AT_ONCE).until(() -> state(failing) == TaskState.Paused);
        assertThat(store.get(failing).orElseThrow().reason()).isEqualTo("no permission on the target");
        assertThat(runners.active(failing)).isZero();
        stopping.open();
        await().until(() -> state(slow) == TaskState.Paused);
        assertThat(store.get(slow).orElseThrow().reason()).isEqualTo("target collection has another schema");
    }

    @Test
    void closeStopsEveryRunnerAtOnceAndKeepsStoredStates() throws Exception {
        String first = manager.create(spec("http://a:1", "c1"));
        String second = manager.create(spec("http://a:1", "c2"));
        Gate firstStopping = runners.holdStops(first);
        Gate secondStopping = runners.holdStops(second);
        Request<Void> close = Request.run(() -> manager.close());

        firstStopping.awaitReached();
        secondStopping.awaitReached();
        firstStopping.open();
        secondStopping.open();

        assertThat(close.failure()).isEmpty();
        assertThat(runners.active(first) + runners.active(second)).isZero();
        assertThat(store.list()).allMatch(t -> t.state() == TaskState.Running);
        assertThatThrownBy(() -> manager.pause(first)).hasMessage("the server is stopping");
    }

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void fiftyMixedRequestsFromEightThreadsLeaveTheStoreConsistent(long seed) throws Exception {
        runners.jitter(Duration.ofMillis(3), seed);
        Random random = new Random(seed);
        for (int i = 0; i < 3; i++) {
            manager.create(spec("http://x:1", "c" + i).withTaskId(IDS.get(i)));
        }
        List<Callable<Object>> mixed = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            mixed.add(randomRequest(random));
        }
        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Throwable> unexpected = new CopyOnWriteArrayList<>();
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (Callable<Object> request : mixed) {
                done.add(threads.submit(() -> {
                    go.await();
                    try {
                        return request.call();
                    } catch (TaskRequestException refused) {
                        return refused.getMessage();
                    } catch (Exception | AssertionError e) {
                        unexpected.add(e);
                        return e;
                    }
                }));
            }
            go.countDown();
            for (Future<?> request : done) {
                request.get(30, TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }

        assertThat(unexpected).isEmpty();
        await().untilAsserted(this::assertConsistent);
    }

    private Callable<Object> randomRequest(Random random) {
        String id = IDS.get(random.nextInt(IDS.size()));
        int kind = random.nextInt(10);
        String target = random.nextBoolean() ? "http://x:1" : "http://y:1";
        String collection = random.nextInt(8) == 0 ? "*" : "c" + random.nextInt(4);
        boolean generatedId = random.nextInt(4) == 0;
        boolean ignoreNotFound = random.nextBoolean();
        return switch (kind) {
            case 0, 1 -> () -> manager.create(generatedId ? spec(target, collection) : spec(target, collection).withTaskId(id));
            case 2, 3 -> () -> run(() -> manager.pause(id));
            case 4, 5 -> () -> run(() -> manager.resume(id));
            case 6 -> () -> run(() -> manager.delete(id, ignoreNotFound));
            case 7 -> () -> manager.get(id);
            case 8 -> manager::list;
            default -> () -> run(() -> runners.created().stream().filter(r -> r.task.taskId().equals(id))
                    .reduce((first, second) -> second)
                    .ifPresent(r -> r.listener.failed(FaultKind.TARGET, "a fault retrying cannot cure")));
        };
    }

    private static Object run(Runnable request) {
        request.run();
        return null;
    }

    /** No task half-made, a runner exactly for each Running task, the metrics and the store agree, no overlap. */
    private void assertConsistent() {
        List<TaskRecord> tasks = store.list();
        assertThat(tasks).extracting(TaskRecord::state).doesNotContain(TaskState.Initial);
        for (TaskRecord task : tasks) {
            assertThat(runners.active(task.taskId())).as("runners of %s, which is %s", task.taskId(), task.state())
                    .isEqualTo(task.state() == TaskState.Running ? 1 : 0);
            assertThat(metricState(task.taskId())).as("the state metric of " + task.taskId())
                    .isEqualTo(task.state().ordinal());
        }
        runners.created().stream().map(r -> r.task.taskId()).distinct()
                .filter(id -> store.get(id).isEmpty())
                .forEach(gone -> {
                    assertThat(runners.active(gone)).as("runners of the deleted task " + gone).isZero();
                    assertThat(metricState(gone)).as("the state metric of the deleted task " + gone).isEqualTo(-1);
                });
        for (TaskRecord task : tasks) {
            List<CollectionPattern> others = tasks.stream().filter(t -> t != task)
                    .filter(t -> ExistingTaskChecks.targetKey(t.spec()).equals(ExistingTaskChecks.targetKey(task.spec())))
                    .flatMap(t -> TaskScope.of(t.spec()).stream()).toList();
            assertThat(TaskScope.overlapping(TaskScope.of(task.spec()), others)).as("overlap of " + task.taskId()).isEmpty();
        }
    }

    private long metricState(String taskId) {
        String line = "milvus_cdc_task_state{task_id=\"" + taskId + "\"} ";
        return metrics.scrape().lines().filter(l -> l.startsWith(line))
                .mapToLong(l -> (long) Double.parseDouble(l.substring(line.length()))).findFirst()
                .orElseThrow(() -> new AssertionError("no state metric for task " + taskId));
    }
}
