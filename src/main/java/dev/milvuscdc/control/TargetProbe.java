package dev.milvuscdc.control;

import dev.milvuscdc.task.TaskSpec;

/** Checks, before a task is stored, that its target Milvus answers with the given credentials. */
public interface TargetProbe {

    /**
     * Connects and disconnects within the target's {@code connect_timeout}.
     *
     * @throws TargetUnreachableException with a cause that names no secret
     */
    void check(TaskSpec.MilvusConnectParam target) throws TargetUnreachableException;

    /**
     * Whether the target takes the source's messages through ReplicateMessage (it runs with
     * {@code common.ttMsgEnabled=false}), as {@code write_mode "replicate"} needs. A fake target
     * takes them.
     */
    default boolean replicateMode(TaskSpec.MilvusConnectParam target) throws TargetUnreachableException {
        return true;
    }

    /** The target could not be reached or refused the credentials. */
    final class TargetUnreachableException extends Exception {
        public TargetUnreachableException(String message) {
            super(message);
        }
    }
}
