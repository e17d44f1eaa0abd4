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

    /** The target could not be reached or refused the credentials. */
    final class TargetUnreachableException extends Exception {
        public TargetUnreachableException(String message) {
            super(message);
        }
    }
}
