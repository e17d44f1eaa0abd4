package dev.milvuscdc.control;

import dev.milvuscdc.control.TaskTransitions.Move;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings every stored task back in its stored state after a server start: Running ones restart,
 * Paused ones stay paused, {@code disable_auto_start} ones are paused. Runs in the background while
 * requests are served; each task is taken in turn with its requests, as stored at that moment.
 */
final class StoredTaskStarts implements Runnable {

    static final String AUTO_START_DISABLED = "the task is disabled auto start";

    private static final Logger LOG = LoggerFactory.getLogger(StoredTaskStarts.class);

    private final StoredTasks store;
    private final TaskRequests requests;
    private final TaskRunners runners;
    private final TaskTransitions transitions;
    private final CdcMetrics metrics;
    private final long waitNanos;

    StoredTaskStarts(StoredTasks store, TaskRequests requests, TaskRunners runners, TaskTransitions transitions,
                     CdcMetrics metrics, long waitNanos) {
        this.store = store;
        this.requests = requests;
        this.runners = runners;
        this.transitions = transitions;
        this.metrics = metrics;
        this.waitNanos = waitNanos;
    }

    @Override
    public void run() {
        List<TaskRecord> stored;
        try {
            stored = store.list();
        } catch (TaskRequestException e) {
            LOG.error("no stored task is started: {}", e.getMessage());
            return;
        }
        for (TaskRecord listed : stored) {
            if (requests.closing()) {
                return;
            }
            try (TaskLogContext logged = TaskLogContext.of(listed.taskId())) {
                try {
                    requests.run(listed.taskId(), "its start after a server start", waitNanos, this::bringBack);
                } catch (TaskRequestException e) {
                    LOG.warn("not started: {}", e.getMessage());
                }
            }
        }
    }

    /** Works on the task as stored now: a request may have changed it since the list was read. */
    private TaskRecord bringBack(TaskSlot slot, Optional<TaskRecord> current) {
        if (current.isEmpty() || slot.runner().isPresent()) {
            return null;
        }
        TaskRecord task = current.get();
        metrics.taskState(task.taskId(), task.state());
        if (task.spec().disableAutoStart()) {
            boolean held = task.state() == TaskState.Paused && AUTO_START_DISABLED.equals(task.reason());
            return held ? task : transitions.move(task, Move.HOLD, AUTO_START_DISABLED);
        }
        if (task.state() == TaskState.Paused) {
            LOG.info("stays Paused: {}", task.reason());
            return task;
        }
        Move move = task.state() == TaskState.Running ? Move.RESTART : Move.START;
        try {
            return runners.start(slot, task, move, "a server start");
        } catch (RuntimeException e) {
            return transitions.move(task, Move.HOLD, "fail to start task, err: " + TaskRunners.describe(e));
        }
    }
}
