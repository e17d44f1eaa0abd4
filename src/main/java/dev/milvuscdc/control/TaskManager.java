package dev.milvuscdc.control;

import static dev.milvuscdc.control.TaskRequestException.client;
import static dev.milvuscdc.control.TaskRequestException.server;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskRunner;
import dev.milvuscdc.task.TaskRunnerFactory;
import dev.milvuscdc.task.TaskScope;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import dev.milvuscdc.task.TaskStatusListener;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane: every change to a task goes through here, one at a time, and is persisted
 * before the call returns. Runners report faults through {@link TaskStatusListener}; those reports
 * are applied on the same serialized path (see {@link RunnerReports}).
 */
public final class TaskManager implements AutoCloseable {

    static final String MANUAL_PAUSE = "manually pause through http interface";
    static final String AUTO_START_DISABLED = "the task is disabled auto start";

    private static final Logger LOG = LoggerFactory.getLogger(TaskManager.class);

    private final StoredTasks store;
    private final TaskRunnerFactory runnerFactory;
    private final TargetProbe targetProbe;
    private final Supplier<Optional<String>> sourceProblem;
    private final CdcMetrics metrics;
    private final CreateValidator validator;
    private final ExistingTaskChecks existingChecks;
    private final RunnerReports reports = new RunnerReports(this);
    private final Map<String, RunningTask> running = new HashMap<>();
    private long nextGeneration;

    /**
     * @param sourceProblem why the source cannot be reached now, empty when it can
     */
    public TaskManager(TaskStore store, TaskRunnerFactory runnerFactory, TargetProbe targetProbe,
                       Supplier<Optional<String>> sourceProblem, TaskLimits limits, CdcMetrics metrics) {
        this.store = new StoredTasks(store);
        this.runnerFactory = runnerFactory;
        this.targetProbe = targetProbe;
        this.sourceProblem = sourceProblem;
        this.metrics = metrics;
        this.validator = new CreateValidator(limits);
        this.existingChecks = new ExistingTaskChecks(limits);
    }

    private record RunningTask(TaskRunner runner, long generation) {
    }

    /**
     * Validates, checks the source and the target, stores and starts a task. Credentials in the
     * target's uri move to its token first, so the uri can be shown and logged.
     */
    public String create(TaskSpec requested) {
        validator.validate(requested);
        TaskSpec spec = requested.withMilvusConnectParam(requested.milvusConnectParam().withUriCredentialsAsToken());
        sourceProblem.get().ifPresent(problem -> {
            throw server("the source Milvus cannot be reached, check sourceConfig: " + problem);
        });
        try {
            targetProbe.check(spec.milvusConnectParam());
        } catch (TargetProbe.TargetUnreachableException e) {
            throw server("fail to connect the milvus: " + e.getMessage());
        }
        synchronized (this) {
            if (spec.taskId() != null && !spec.taskId().isEmpty() && store.get(spec.taskId()).isPresent()) {
                return spec.taskId();
            }
            existingChecks.check(spec, store.list());
            String taskId = spec.taskId() == null || spec.taskId().isEmpty()
                    ? UUID.randomUUID().toString().replace("-", "") : spec.taskId();
            TaskRecord task = new TaskRecord(taskId, spec.withTaskId(taskId), TaskState.Initial, "");
            store.put(task, "fail to put the task info to the store");
            LOG.info("task {} created: target {}, scope {}", taskId, spec.milvusConnectParam().effectiveUri(),
                    TaskScope.of(spec));
            try {
                startRunner(task);
            } catch (RuntimeException e) {
                deleteQuietly(taskId);
                throw server("fail to start the task, task_id: " + taskId + ": " + describe(e));
            }
            return taskId;
        }
    }

    public synchronized void delete(String taskId, boolean ignoreNotFound) {
        if (store.get(taskId).isEmpty()) {
            if (ignoreNotFound) {
                return;
            }
            throw client("not found the task, task_id: " + taskId);
        }
        stopRunner(taskId);
        store.delete(taskId);
        metrics.taskDeleted(taskId);
        LOG.info("task {} deleted", taskId);
    }

    public synchronized void pause(String taskId) {
        TaskRecord task = store.get(taskId).orElseThrow(() -> client("not found the task, task_id: " + taskId));
        if (task.state() == TaskState.Paused) {
            throw client("the task has paused, task_id: " + taskId);
        }
        if (task.state() != TaskState.Running) {
            throw server("fail to update the task state, task_id: " + taskId
                    + ": the task is " + task.state() + ", only a Running task can be paused");
        }
        stopRunner(taskId);
        changeState(task, TaskState.Paused, MANUAL_PAUSE);
    }

    public synchronized void resume(String taskId) {
        TaskRecord task = store.get(taskId).orElseThrow(() -> client("not found the task, task_id: " + taskId));
        if (task.state() == TaskState.Running) {
            throw client("the task has running, task_id: " + taskId);
        }
        try {
            startRunner(task);
        } catch (RuntimeException e) {
            changeState(store.get(taskId).orElse(task), TaskState.Paused, "fail to start task, err: " + describe(e));
            throw server("fail to start the task, task_id: " + taskId + ": " + describe(e));
        }
    }

    public TaskRecord get(String taskId) {
        if (taskId == null || taskId.isEmpty()) {
            throw client("task_id is empty");
        }
        return store.get(taskId).orElseThrow(() -> client("not found: [" + taskId + "]"));
    }

    public List<TaskRecord> list() {
        return store.list();
    }

    /** The positions of a task: live from its runner, else as stored; empty for an unknown task. */
    public Map<String, ChannelPosition> positions(String taskId) {
        RunningTask live;
        synchronized (this) {
            live = running.get(taskId);
        }
        return live != null ? live.runner().positions() : store.positions(taskId);
    }

    /** {@code UP} when the task store answers, else {@code DOWN: <why>}. */
    public String storeStatus() {
        return store.status();
    }

    /** Brings every stored task back in its stored state: Running ones restart, Paused stay paused. */
    public synchronized void startStoredTasks() {
        for (TaskRecord task : store.list()) {
            metrics.taskState(task.taskId(), task.state());
            if (task.spec().disableAutoStart()) {
                if (task.state() != TaskState.Paused || !AUTO_START_DISABLED.equals(task.reason())) {
                    changeState(task, TaskState.Paused, AUTO_START_DISABLED);
                }
            } else if (task.state() != TaskState.Paused) {
                try {
                    startRunner(task);
                } catch (RuntimeException e) {
                    changeState(store.get(task.taskId()).orElse(task), TaskState.Paused,
                            "fail to start task, err: " + describe(e));
                }
            } else {
                LOG.info("task {} stays Paused: {}", task.taskId(), task.reason());
            }
        }
    }

    /** Stops every runner without changing stored states, so Running tasks restart next time. */
    @Override
    public synchronized void close() {
        reports.close();
        running.keySet().stream().toList().forEach(this::stopRunner);
    }

    synchronized void onRetrying(String taskId, long generation, String reason) {
        currentTask(taskId, generation).filter(t -> !t.reason().equals(reason)).ifPresent(task -> {
            store.put(task.withState(TaskState.Running, reason), "fail to update the task reason");
            LOG.warn("task {} is retrying: {}", taskId, reason);
        });
    }

    synchronized void onRecovered(String taskId, long generation) {
        currentTask(taskId, generation).filter(t -> !t.reason().isEmpty()).ifPresent(task -> {
            store.put(task.withState(TaskState.Running, ""), "fail to update the task reason");
            LOG.info("task {} recovered", taskId);
        });
    }

    synchronized void onFailed(String taskId, long generation, String reason) {
        currentTask(taskId, generation).ifPresent(task -> {
            stopRunner(taskId);
            changeState(task, TaskState.Paused, reason);
        });
    }

    private Optional<TaskRecord> currentTask(String taskId, long generation) {
        RunningTask live = running.get(taskId);
        if (live == null || live.generation() != generation) {
            return Optional.empty();
        }
        return store.get(taskId).filter(t -> t.state() == TaskState.Running);
    }

    private void startRunner(TaskRecord task) {
        long generation = ++nextGeneration;
        TaskRecord runningTask = task.withState(TaskState.Running, "");
        TaskRunner runner = runnerFactory.create(runningTask, reports.listenerFor(task.taskId(), generation));
        changeState(task, TaskState.Running, "");
        running.put(task.taskId(), new RunningTask(runner, generation));
        try {
            runner.start();
        } catch (RuntimeException e) {
            running.remove(task.taskId());
            throw e;
        }
    }

    private void stopRunner(String taskId) {
        RunningTask live = running.remove(taskId);
        if (live == null) {
            return;
        }
        try {
            live.runner().stop();
        } catch (RuntimeException e) {
            LOG.warn("task {} did not stop cleanly: {}", taskId, e.toString());
        }
    }

    private void changeState(TaskRecord task, TaskState state, String reason) {
        store.put(task.withState(state, reason), "fail to update the task state, task_id: " + task.taskId());
        metrics.taskState(task.taskId(), state);
        LOG.info("task {} {} -> {}{}", task.taskId(), task.state(), state, reason.isEmpty() ? "" : ": " + reason);
    }

    private void deleteQuietly(String taskId) {
        try {
            store.delete(taskId);
            metrics.taskDeleted(taskId);
        } catch (TaskRequestException e) {
            LOG.warn("task {} could not be removed after its start failed: {}", taskId, e.getMessage());
        }
    }

    private static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }
}
