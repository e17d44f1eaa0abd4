package dev.milvuscdc.sink;

import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import java.util.Optional;

/** Connects to a task's target: the target Milvus on a server, something else in tests. */
public interface TargetConnector {

    /**
     * A writer on the target, the connection it uses, which the caller closes, and for a task in
     * replicate mode what writes the source's messages; none in a dry run.
     */
    record Connected(TargetWriter writer, AutoCloseable connection, Optional<MessageReplicator> replicator) {

        public Connected(TargetWriter writer, AutoCloseable connection) {
            this(writer, connection, Optional.empty());
        }
    }

    /**
     * @param replicateMode whether the task writes through ReplicateMessage: its DDL then carries the
     *                      source's timestamps, marked as replicated
     * @throws MilvusConnectException when the target cannot be reached within the connect timeout
     *                                or refuses the credentials
     */
    Connected connect(MilvusConnectParam param, boolean replicateMode) throws MilvusConnectException;

    /** A connection for a task in the ordinary write mode. */
    default Connected connect(MilvusConnectParam param) throws MilvusConnectException {
        return connect(param, false);
    }

    /** Through the target Milvus's gRPC API. */
    static TargetConnector milvus() {
        return (param, replicateMode) -> {
            MilvusConnection connection = MilvusConnection.open(MilvusPeer.TARGET, param);
            TargetCalls calls = new TargetCalls(connection, MilvusTargetWriter.DEFAULT_RPC_TIMEOUT);
            return new Connected(new MilvusTargetWriter(calls, replicateMode), connection,
                    Optional.of(new MessageReplicator(calls)));
        };
    }
}
