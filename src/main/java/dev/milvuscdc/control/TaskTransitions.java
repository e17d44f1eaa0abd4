package dev.milvuscdc.control;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskScope;
import dev.milvuscdc.task.TaskState;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changes of a task's life. Each goes from the state its caller read to a new one, is written
 * to the store, shown in the metrics and logged as one line (callers name the task in the log
 * context, see {@link TaskLogContext}). Callers hold the task's lock (see
 * {@link TaskSlot}), so nothing changes the stored task between their read and the write; a change
 * that does not start from one of its states is a bug of the control plane and is thrown as such
 * before anything is written.
 */
final class TaskTransitions {

    /** A change from one stored state to another. */
    enum Move {
        /** A runner was started: create, resume, or a server start finding an unfinished create. */
        START(TaskState.Running, EnumSet.of(TaskState.Initial, TaskState.Paused)),
        /** A server start restarted a task that was Running; a stale retry reason is cleared. */
        RESTART(TaskState.Running, EnumSet.of(TaskState.Running)),
        /** The runner was stopped: a manual pause or a fault that retrying cannot cure. */
        PAUSE(TaskState.Paused, EnumSet.of(TaskState.Running)),
        /** A task that must not or cannot run is kept paused with the reason: auto start disabled, a failed start. */
        HOLD(TaskState.Paused, EnumSet.of(TaskState.Initial, TaskState.Running, TaskState.Paused));

        private final TaskState to;
        private final Set<TaskState> from;

        Move(TaskState to, Set<TaskState> from) {
            this.to = to;
            this.from = from;
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(TaskTransitions.class);
    /** {@code user:password@} in a target URI: never logged. */
    private static final Pattern WITH_USER_INFO = Pattern.compile("//[^/@]*@");

    private final StoredTasks store;
    private final CdcMetrics metrics;

    TaskTransitions(StoredTasks store, CdcMetrics metrics) {
        this.store = store;
        this.metrics = metrics;
    }

    /** A new task, not stored yet, becomes {@code Initial}, stored with the positions it starts from. */
    TaskRecord create(TaskRecord task, Collection<ChannelPosition> startPositions) {
        expect(task, EnumSet.of(TaskState.Initial), "create");
        store.create(task, startPositions, "fail to put the task info to the store");
        metrics.taskState(task.taskId(), task.state());
        LOG.info("created (Initial): target {}, scope {}, write mode {}",
                WITH_USER_INFO.matcher(task.spec().milvusConnectParam().effectiveUri()).replaceFirst("//"),
                TaskScope.of(task.spec()), task.spec().writeMode());
        return task;
    }

    TaskRecord move(TaskRecord task, Move move, String reason) {
        expect(task, move.from, move.name());
        TaskRecord moved = task.withState(move.to, reason);
        store.put(moved, "fail to update the task state, task_id: " + task.taskId());
        metrics.taskState(task.taskId(), move.to);
        LOG.info("{} -> {}{}", task.state(), move.to, reason.isEmpty() ? "" : ": " + reason);
        return moved;
    }

    /** A Running task shows why it retries, or nothing once the fault is gone; it stays Running. */
    TaskRecord reason(TaskRecord task, String reason) {
        expect(task, EnumSet.of(TaskState.Running), "a reason change");
        TaskRecord changed = task.withState(TaskState.Running, reason);
        store.put(changed, "fail to update the task reason, task_id: " + task.taskId());
        if (reason.isEmpty()) {
            LOG.info("recovered: the retried fault is gone");
        } else {
            LOG.warn("retrying: {}", reason);
        }
        return changed;
    }

    /** The task and its positions leave the store; {@code why} says for the log why it went. */
    void delete(TaskRecord task, String why) {
        store.delete(task.taskId());
        metrics.taskDeleted(task.taskId());
        LOG.info("{} -> deleted: {}", task.state(), why);
    }

    private static void expect(TaskRecord task, Set<TaskState> from, String change) {
        if (!from.contains(task.state())) {
            throw new IllegalStateException("bug: task " + task.taskId() + " is " + task.state()
                    + ", which " + change + " cannot start from (only " + from + ")");
        }
    }
}
