package dev.milvuscdc.sink;

import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;

/** Connects to a task's target: the target Milvus on a server, something else in tests. */
public interface TargetConnector {

    /** A writer on the target, and the connection it uses, which the caller closes. */
    record Connected(TargetWriter writer, AutoCloseable connection) {
    }

    /**
     * @throws MilvusConnectException when the target cannot be reached within the connect timeout
     *                                or refuses the credentials
     */
    Connected connect(MilvusConnectParam param) throws MilvusConnectException;

    /** Through the target Milvus's ordinary gRPC API. */
    static TargetConnector milvus() {
        return param -> {
            MilvusConnection connection = MilvusConnection.open(MilvusPeer.TARGET, param);
            return new Connected(new MilvusTargetWriter(connection), connection);
        };
    }
}
