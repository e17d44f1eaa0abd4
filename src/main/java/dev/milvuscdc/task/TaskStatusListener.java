package dev.milvuscdc.task;

/**
 * How a runner tells the control plane about faults. Called from the runner's own threads.
 */
public interface TaskStatusListener {

    /** A fault that retrying may cure: the task stays Running and shows this reason. */
    void retrying(FaultKind kind, String reason);

    /** The fault is gone; the reason is cleared. */
    void recovered();

    /** A fault that retrying cannot cure: the task is paused with this reason. */
    void failed(FaultKind kind, String reason);

    /** The runner must start again from the stored positions; the task stays Running. */
    void restart(FaultKind kind, String reason);
}
