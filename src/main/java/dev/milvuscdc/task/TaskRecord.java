package dev.milvuscdc.task;

import java.util.Objects;

/**
 * A task as the store keeps it: its definition and its last observed state.
 *
 * @param reason why the task is paused, or why it is retrying while Running; empty when none
 */
public record TaskRecord(String taskId, TaskSpec spec, TaskState state, String reason) {

    public TaskRecord {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(state, "state");
        reason = reason == null ? "" : reason;
    }

    public TaskRecord withState(TaskState newState, String newReason) {
        return new TaskRecord(taskId, spec, newState, newReason);
    }
}
