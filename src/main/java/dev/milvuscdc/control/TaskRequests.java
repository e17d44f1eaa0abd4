package dev.milvuscdc.control;

import static dev.milvuscdc.control.TaskRequestException.server;

import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import java.util.Optional;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How work on one task is carried out: under the task's lock, after the work before it, on the
 * task as stored at that moment, with the task named in every log line; and, once the control
 * plane is closing, not at all. Requests wait a bounded time; runners' fault reports wait as long
 * as it takes, so none is lost.
 */
final class TaskRequests {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRequests.class);

    private final TaskSlots slots;
    private final StoredTasks store;
    private volatile boolean closing;

    TaskRequests(TaskSlots slots, StoredTasks store) {
        this.slots = slots;
        this.store = store;
    }

    /**
     * Runs a request of one task after the requests before it, waiting for them at most
     * {@code waitNanos}, then answering that the task is busy.
     *
     * @param work gets the task's slot and the task as stored, empty when there is none
     */
    <T> T run(String taskId, String request, long waitNanos, BiFunction<TaskSlot, Optional<TaskRecord>, T> work) {
        refuseWhenClosing();
        return slots.run(taskId, request, waitNanos, slot -> {
            refuseWhenClosing();
            return work.apply(slot, store.get(taskId));
        });
    }

    /**
     * Applies a fault report of the runner of this generation to its Running task, after the
     * task's requests before it. A report of a runner that was replaced or stopped since is stale
     * and ignored.
     */
    void report(String taskId, long generation, BiFunction<TaskSlot, TaskRecord, ?> work) throws InterruptedException {
        slots.runWhenFree(taskId, slot -> {
            slot.doing("a fault report");
            if (closing || !slot.runs(generation)) {
                LOG.debug("a report of runner generation {} is stale and ignored", generation);
                return null;
            }
            return store.get(taskId).filter(t -> t.state() == TaskState.Running).map(task -> work.apply(slot, task));
        });
    }

    boolean closing() {
        return closing;
    }

    /** Requests and reports from now on are refused; those under way finish. */
    void close() {
        closing = true;
    }

    void refuseWhenClosing() {
        if (closing) {
            throw server("the server is stopping");
        }
    }
}
