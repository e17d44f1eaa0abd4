package dev.milvuscdc.sink;

import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;

/** Connects to a task's target: the target Milvus on a server, something else in tests. */
public interface TargetConnector {

    /** A writer on the target, and the connection it uses, which the caller closes. */
    record Connected(TargetWriter writer, AutoCloseable connection) {
    }

    /**
     * @throws TargetConnectException when the target cannot be reached within the connect timeout
     *                                or refuses the credentials
     */
    Connected connect(MilvusConnectParam param) throws TargetConnectException;

    /** Through the target Milvus's ordinary gRPC API. */
    static TargetConnector milvus() {
        return param -> {
            MilvusTargetConnection connection = MilvusTargetConnection.open(param);
            return new Connected(new MilvusTargetWriter(connection), connection);
        };
    }
}
