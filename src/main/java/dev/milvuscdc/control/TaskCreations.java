package dev.milvuscdc.control;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import java.util.Collection;
import java.util.Optional;
import java.util.UUID;

/**
 * The step of {@code create} that must see every other task: the checks against the stored tasks
 * (overlapping scopes, one user-role task per target, the task limit, a given {@code task_id})
 * and storing the new task as {@code Initial}, one create at a time, so two creates cannot both
 * pass. The lock is held for the checks and the store write only, never while a runner starts.
 */
final class TaskCreations {

    /** A task stored as {@code Initial}; its create holds the slot's lock and must unlock it. */
    record NewTask(TaskSlot slot, TaskRecord task) {
    }

    private final StoredTasks store;
    private final ExistingTaskChecks checks;
    private final TaskTransitions transitions;
    private final TaskSlots slots;

    TaskCreations(StoredTasks store, ExistingTaskChecks checks, TaskTransitions transitions, TaskSlots slots) {
        this.store = store;
        this.checks = checks;
        this.transitions = transitions;
        this.slots = slots;
    }

    /** The task's own {@code task_id} when it gives one, else a new one. */
    static TaskSpec withTaskId(TaskSpec spec) {
        String given = spec.taskId();
        return given != null && !given.isEmpty() ? spec : spec.withTaskId(UUID.randomUUID().toString().replace("-", ""));
    }

    /**
     * Stores the new task with the positions it starts from, or returns empty when its {@code task_id}
     * is taken: the task exists, or a request of that id is under way (the caller waits for it and
     * looks again).
     *
     * @param spec a spec with its {@code task_id} ({@link #withTaskId})
     */
    synchronized Optional<NewTask> reserve(TaskSpec spec, Collection<ChannelPosition> startPositions) {
        String taskId = spec.taskId();
        if (store.get(taskId).isPresent()) {
            return Optional.empty();
        }
        checks.check(spec, store.list());
        // A generated id is new, so its slot is free; a given one may be held by a request that is about to finish.
        Optional<TaskSlot> slot = slots.lockIfFree(taskId);
        if (slot.isEmpty()) {
            return Optional.empty();
        }
        try (TaskLogContext logged = TaskLogContext.of(taskId)) {
            TaskRecord task = transitions.create(new TaskRecord(taskId, spec, TaskState.Initial, ""), startPositions);
            return Optional.of(new NewTask(slot.get(), task));
        } catch (RuntimeException e) {
            slots.unlock(slot.get());
            throw e;
        }
    }
}
