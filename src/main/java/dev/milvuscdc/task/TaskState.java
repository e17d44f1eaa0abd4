package dev.milvuscdc.task;

/** The persisted lifecycle state of a task; names and ordinals are those of the reference server. */
public enum TaskState {
    Initial,
    Running,
    Paused
}
