package dev.milvuscdc.control;

import static dev.milvuscdc.control.TaskRequestException.server;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * The slots of the task ids the control plane works on, and the way to work on one: under its
 * lock, with the task named in every log line. A slot exists while its task has a runner or a
 * request holds or awaits its lock; a slot without a runner is retired when unlocked, so unknown
 * ids leave nothing behind. Whoever gets the lock of a retired slot tries again with the current one.
 */
final class TaskSlots {

    /** What a request does on its task's slot, under its lock. */
    @FunctionalInterface
    interface SlotWork<T> {
        T run(TaskSlot slot) throws InterruptedException;
    }

    private final ConcurrentMap<String, TaskSlot> slots = new ConcurrentHashMap<>();

    /**
     * Runs a request of one task after the requests before it, waiting for them at most
     * {@code waitNanos}; then it answers that the task is busy, with what holds it, and does nothing.
     */
    <T> T run(String taskId, String request, long waitNanos, Function<TaskSlot, T> work) {
        TaskSlot slot;
        try {
            slot = tryLock(taskId, waitNanos).orElseThrow(() -> server("the task is busy with "
                    + Optional.ofNullable(slots.get(taskId)).map(TaskSlot::activity).orElse("an earlier request")
                    + ", try again later, task_id: " + taskId));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw server("interrupted while waiting for the task, task_id: " + taskId);
        }
        try (TaskLogContext logged = TaskLogContext.of(taskId)) {
            slot.doing(request);
            return work.apply(slot);
        } finally {
            unlock(slot);
        }
    }

    /** Runs work of one task after everything before it, however long that takes (fault reports, shutdown). */
    <T> T runWhenFree(String taskId, SlotWork<T> work) throws InterruptedException {
        TaskSlot slot = lock(taskId);
        try (TaskLogContext logged = TaskLogContext.of(taskId)) {
            return work.run(slot);
        } finally {
            unlock(slot);
        }
    }

    /** The slot of a task id, locked, unless a request of that id holds it: never waits. */
    Optional<TaskSlot> lockIfFree(String taskId) {
        try {
            return tryLock(taskId, 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw server("interrupted while taking the task, task_id: " + taskId);
        }
    }

    void unlock(TaskSlot slot) {
        if (slot.runner().isEmpty()) {
            slot.retire();
            slots.remove(slot.taskId(), slot);
        }
        slot.unlock();
    }

    /** The slot of a task id without locking it, for reads that need no order. */
    Optional<TaskSlot> peek(String taskId) {
        return Optional.ofNullable(slots.get(taskId));
    }

    List<TaskSlot> all() {
        return List.copyOf(slots.values());
    }

    private Optional<TaskSlot> tryLock(String taskId, long waitNanos) throws InterruptedException {
        long deadline = System.nanoTime() + waitNanos;
        while (true) {
            TaskSlot slot = slots.computeIfAbsent(taskId, TaskSlot::new);
            if (!slot.tryLock(deadline - System.nanoTime())) {
                return Optional.empty();
            }
            if (!slot.retired()) {
                return Optional.of(slot);
            }
            slot.unlock();
        }
    }

    private TaskSlot lock(String taskId) throws InterruptedException {
        while (true) {
            TaskSlot slot = slots.computeIfAbsent(taskId, TaskSlot::new);
            slot.lockInterruptibly();
            if (!slot.retired()) {
                return slot;
            }
            slot.unlock();
        }
    }
}
