package dev.milvuscdc.task;

/** Builds the runner of a task; the replication engine provides the real one. */
public interface TaskRunnerFactory {
    /** @param hold this server's hold on the task: the runner's position and catalog writes are fenced by it */
    TaskRunner create(TaskRecord task, Fence hold, TaskStatusListener listener);
}
