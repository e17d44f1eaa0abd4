package dev.milvuscdc.task;

/** Builds the runner of a task; the replication engine provides the real one. */
public interface TaskRunnerFactory {
    TaskRunner create(TaskRecord task, TaskStatusListener listener);
}
