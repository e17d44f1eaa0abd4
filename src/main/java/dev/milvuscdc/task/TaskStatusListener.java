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

    /**
     * Whether this server's hold on the task still stands as far as the server knows without asking the
     * store: false once it has not renewed its holds for a good part of the lease time (a server that was
     * frozen or cut off). A runner starts no further work while it is false; its server stops it or
     * renews. True where no other server can take the task.
     */
    default boolean holdStands() {
        return true;
    }
}
