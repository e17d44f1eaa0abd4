package dev.milvuscdc.control;

import static dev.milvuscdc.control.TaskRequestException.client;
import static dev.milvuscdc.control.TaskRequestException.server;

import dev.milvuscdc.control.TaskCreations.NewTask;
import dev.milvuscdc.control.TaskTransitions.Move;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.snapshot.SnapshotProgress;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.TaskLeases;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.task.CopyStatus;
import dev.milvuscdc.task.FaultKind;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskRunner;
import dev.milvuscdc.task.TaskRunnerFactory;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane: every change to a task goes through here and is persisted before the call
 * returns.
 *
 * <p>Each task has a lock of its own ({@link TaskSlot}): its create, pause, resume, delete and
 * fault reports run one at a time, in the order they arrive ({@link TaskRequests}), and its runner
 * starts and stops under that lock only ({@link TaskRunners}). So a slow runner delays the requests of its own task and
 * nothing else; {@code get}, {@code list} and {@code position} take no lock and show the stored
 * state (a task being paused shows {@code Running} until its runner has stopped). A request whose
 * task is busy waits for the requests before it at most {@link #REQUEST_WAIT}, three times a
 * runner's stop deadline, then answers that the task is busy and changes nothing. What a create
 * must check against the other tasks happens in {@link TaskCreations}; state changes in
 * {@link TaskTransitions}.
 */
public final class TaskManager implements AutoCloseable {

    static final String MANUAL_PAUSE = "manually pause through http interface";
    static final Duration REQUEST_WAIT = TaskRunner.STOP_DEADLINE.multipliedBy(3);

    private static final Logger LOG = LoggerFactory.getLogger(TaskManager.class);

    private final StoredTasks store;
    private final CreateValidator validator;
    private final TaskTransitions transitions;
    private final TaskSlots slots = new TaskSlots();
    private final TaskRequests requests;
    private final TaskCreations creations;
    private final TaskRunners runners;
    private final TaskLeases leases;
    private final TaskHolds holds;
    private final long requestWaitNanos;
    private final CdcMetrics metrics;
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ExecutorService background = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "task-manager-" + threadNumber.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    private final ReachabilityCheck reachability;
    private volatile Future<?> holdsRunning = CompletableFuture.completedFuture(null);

    /**
     * @param leases        how this server shares the store's tasks with the others on it; closed with the manager
     * @param sourceProblem why the source cannot be reached now, empty when it can
     */
    public TaskManager(TaskStore store, TaskLeases leases, TaskRunnerFactory runnerFactory, TargetProbe targetProbe,
                       Supplier<Optional<String>> sourceProblem, TaskLimits limits, CdcMetrics metrics) {
        this(store, leases, runnerFactory, targetProbe, sourceProblem, limits, metrics, REQUEST_WAIT);
    }

    /** @param requestWait how long a request waits for its task's earlier requests */
    TaskManager(TaskStore store, TaskLeases leases, TaskRunnerFactory runnerFactory, TargetProbe targetProbe,
                Supplier<Optional<String>> sourceProblem, TaskLimits limits, CdcMetrics metrics, Duration requestWait) {
        this.leases = leases;
        this.store = new StoredTasks(store);
        this.metrics = metrics;
        this.validator = new CreateValidator(limits);
        this.transitions = new TaskTransitions(this.store, metrics);
        this.requests = new TaskRequests(slots, this.store);
        this.creations = new TaskCreations(this.store, new ExistingTaskChecks(limits), transitions, slots);
        this.runners = new TaskRunners(runnerFactory, transitions, new Reports(), metrics);
        this.requestWaitNanos = requestWait.toNanos();
        this.holds = new TaskHolds(leases, this.store, slots, requests, runners, transitions, metrics);
        this.reachability = new ReachabilityCheck(sourceProblem, targetProbe, background);
    }

    /**
     * Validates, checks the source and the target, fixes where the task starts reading, stores and
     * starts it. Credentials in the target's uri move to its token first, so the uri can be shown and
     * logged. The start positions are stored with the task before it answers, whichever server runs
     * it and however late: every change the source logs after the answer is replicated.
     */
    public String create(TaskSpec requested) {
        validator.validate(requested);
        TaskSpec spec = TaskCreations.withTaskId(
                requested.withMilvusConnectParam(requested.milvusConnectParam().withUriCredentialsAsToken()));
        requests.refuseWhenClosing();
        reachability.check(spec.milvusConnectParam());
        if (spec.replicateWrites()) {
            reachability.checkReplicateMode(spec.milvusConnectParam());
        }
        String taskId = spec.taskId();
        // A create of a task that exists answers its id and needs no positions, nor the source to answer.
        Collection<ChannelPosition> startPositions = null;
        long deadline = System.nanoTime() + requestWaitNanos;
        while (true) {
            if (startPositions == null && store.get(taskId).isEmpty()) {
                startPositions = startPositions(spec);
            }
            Optional<NewTask> created = startPositions == null ? Optional.empty() : creations.reserve(spec, startPositions);
            if (created.isPresent()) {
                return start(created.get());
            }
            // The given task_id exists or a request of it is under way: answer once that is done.
            if (requests.run(taskId, "create", deadline - System.nanoTime(), (slot, task) -> task.isPresent())) {
                return taskId;
            }
        }
    }

    private Collection<ChannelPosition> startPositions(TaskSpec spec) {
        try (TaskLogContext logged = TaskLogContext.of(spec.taskId())) {
            return runners.startPositions(spec).values();
        } catch (RuntimeException e) {
            throw server("fail to start the task, task_id: " + spec.taskId() + ": " + TaskRunners.describe(e));
        }
    }

    public void delete(String taskId, boolean ignoreNotFound) {
        requests.run(taskId, "delete", requestWaitNanos, (slot, current) -> {
            if (current.isEmpty()) {
                if (ignoreNotFound) {
                    return null;
                }
                throw client("not found the task, task_id: " + taskId);
            }
            runners.stop(slot, "delete");
            transitions.delete(current.get(), "deleted on request");
            return null;
        });
    }

    public void pause(String taskId) {
        requests.run(taskId, "pause", requestWaitNanos, (slot, current) -> {
            TaskRecord task = current.orElseThrow(() -> client("not found the task, task_id: " + taskId));
            if (task.state() == TaskState.Paused) {
                throw client("the task has paused, task_id: " + taskId);
            }
            if (task.state() != TaskState.Running) {
                throw server("fail to update the task state, task_id: " + taskId
                        + ": the task is " + task.state() + ", only a Running task can be paused");
            }
            runners.stop(slot, "pause");
            metrics.taskPaused(task.taskId(), CdcMetrics.MANUAL);
            return transitions.move(task, Move.PAUSE, MANUAL_PAUSE);
        });
    }

    public void resume(String taskId) {
        requests.run(taskId, "resume", requestWaitNanos, (slot, current) -> {
            TaskRecord task = current.orElseThrow(() -> client("not found the task, task_id: " + taskId));
            if (task.state() == TaskState.Running) {
                throw client("the task has running, task_id: " + taskId);
            }
            Optional<Fence> hold = leases.acquire(taskId);
            if (hold.isEmpty()) {
                // Another server holds the task: it starts the runner when it next follows the stored state.
                return transitions.move(task, Move.START, "");
            }
            try {
                return runners.start(slot, task, Move.START, "resume", hold.get());
            } catch (RuntimeException e) {
                transitions.move(task, Move.HOLD, "fail to start task, err: " + TaskRunners.describe(e));
                throw server("fail to start the task, task_id: " + taskId + ": " + TaskRunners.describe(e));
            }
        });
    }

    /** The stored task; never waits for the task's requests. */
    public TaskRecord get(String taskId) {
        if (taskId == null || taskId.isEmpty()) {
            throw client("task_id is empty");
        }
        return store.get(taskId).orElseThrow(() -> client("not found: [" + taskId + "]"));
    }

    /** Where the initial copy of a task with {@code snapshot: "initial"} stands, as stored; empty for other tasks. */
    public Optional<CopyStatus> copyStatus(TaskRecord task) {
        if (!task.spec().snapshotInitial()) {
            return Optional.empty();
        }
        return Optional.of(SnapshotProgress.of(store.catalog(task.taskId())).status());
    }

    /** The stored tasks; never waits for any task's requests. */
    public List<TaskRecord> list() {
        return store.list();
    }

    /** The positions of a task: live from its runner, else as stored; empty for an unknown task. */
    public Map<String, ChannelPosition> positions(String taskId) {
        Optional<TaskRunner> live = slots.peek(taskId).flatMap(TaskSlot::runner);
        return live.isPresent() ? live.get().positions() : store.positions(taskId);
    }

    /** {@code UP} when the task store answers, else {@code DOWN: <why>}. */
    public String storeStatus() {
        return store.status();
    }

    /** One round of {@link TaskHolds} now, for tests that let time pass themselves. */
    void followHoldsOnce() throws InterruptedException {
        holds.round();
    }

    /** The name of the server that holds each held task, by task id. */
    public Map<String, String> holders() {
        try {
            return leases.holders();
        } catch (StoreException e) {
            throw server("fail to read which server holds each task: " + e.getMessage());
        }
    }

    /**
     * Starts taking this server's share of the stored tasks, in the background ({@link TaskHolds}): in the
     * first round, Running ones restart, Paused ones stay paused, {@code disable_auto_start} ones are
     * paused. Returns at once; until the background start comes to a task, it shows its stored state and
     * its requests are served.
     */
    public void startStoredTasks() {
        holdsRunning = background.submit(holds);
    }

    /** Stops every runner, all at once, without changing stored states, so Running tasks restart next time. */
    @Override
    public void close() {
        requests.close();
        runners.close();
        holdsRunning.cancel(true);
        slots.all().stream()
                .map(slot -> CompletableFuture.runAsync(() -> stopForShutdown(slot.taskId()), background))
                .toList()
                .forEach(this::awaitQuietly);
        background.shutdownNow();
        // Given up only now that no runner writes any more: another server may take the tasks at once.
        leases.close();
    }

    private String start(NewTask created) {
        String taskId = created.task().taskId();
        try (TaskLogContext logged = TaskLogContext.of(taskId)) {
            Optional<Fence> hold = holds.takeIfBelowShare(taskId);
            if (hold.isEmpty()) {
                // Other servers hold fewer tasks: one of them takes this one within a round.
                transitions.move(created.task(), Move.START, "");
                return taskId;
            }
            try {
                runners.start(created.slot(), created.task(), Move.START, "create", hold.get());
                return taskId;
            } catch (RuntimeException e) {
                deleteQuietly(created.task());
                throw server("fail to start the task, task_id: " + taskId + ": " + TaskRunners.describe(e));
            }
        } finally {
            slots.unlock(created.slot());
        }
    }

    /** Where runners' fault reports are applied. */
    private final class Reports implements RunnerReports.Handler {
        @Override
        public boolean holdStands() {
            return holds.renewedLately();
        }

        @Override
        public void onRetrying(String taskId, long generation, FaultKind kind, String reason) throws InterruptedException {
            requests.report(taskId, generation, (slot, task) -> {
                metrics.taskRetried(taskId, kind.label());
                return task.reason().equals(reason) || !holds.stillHeld(slot) ? task : transitions.reason(task, reason);
            });
        }

        @Override
        public void onRecovered(String taskId, long generation) throws InterruptedException {
            requests.report(taskId, generation, (slot, task) ->
                    task.reason().isEmpty() || !holds.stillHeld(slot) ? task : transitions.reason(task, ""));
        }

        @Override
        public void onFailed(String taskId, long generation, FaultKind kind, String reason) throws InterruptedException {
            requests.report(taskId, generation, (slot, task) -> {
                if (!holds.stillHeld(slot)) {
                    runners.stop(slot, "a failure after its hold on the task ended");
                    return task;
                }
                metrics.taskPaused(taskId, kind.label());
                runners.stop(slot, "a failure");
                return transitions.move(task, Move.PAUSE, reason);
            });
        }

        @Override
        public void onRestart(String taskId, long generation, FaultKind kind, String reason) throws InterruptedException {
            requests.report(taskId, generation, (slot, task) -> {
                Fence hold = slot.hold().orElseThrow();
                if (!holds.stillHeld(slot)) {
                    runners.stop(slot, "a restart after its hold on the task ended");
                    return task;
                }
                metrics.taskRestarted(taskId, kind.label());
                runners.stop(slot, "a restart");
                try {
                    return runners.start(slot, task, Move.RESTART, "a restart", hold);
                } catch (RuntimeException e) {
                    metrics.taskPaused(taskId, kind.label());
                    return transitions.move(task, Move.PAUSE, "the restart after '" + reason + "' failed: "
                            + TaskRunners.describe(e) + "; resume the task");
                }
            });
        }
    }

    private void stopForShutdown(String taskId) {
        try {
            slots.runWhenFree(taskId, slot -> {
                runners.stop(slot, "the server's shutdown");
                return null;
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void deleteQuietly(TaskRecord task) {
        try {
            transitions.delete(task, "its first start failed");
        } catch (TaskRequestException e) {
            LOG.warn("could not be removed after its start failed: {}", e.getMessage());
        }
    }

    private void awaitQuietly(Future<?> work) {
        try {
            work.get();
        } catch (ExecutionException e) {
            LOG.warn("shutdown: {}", e.getCause().toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
