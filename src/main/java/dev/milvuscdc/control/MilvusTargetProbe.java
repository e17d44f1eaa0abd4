package dev.milvuscdc.control;

import dev.milvuscdc.sink.MilvusTargetConnection;
import dev.milvuscdc.sink.TargetConnectException;
import dev.milvuscdc.task.TaskSpec;

/** Opens a real gRPC connection to the target Milvus, proves it answers, and closes it again. */
public final class MilvusTargetProbe implements TargetProbe {

    @Override
    public void check(TaskSpec.MilvusConnectParam target) throws TargetUnreachableException {
        try (MilvusTargetConnection connection = MilvusTargetConnection.open(target)) {
            connection.address();
        } catch (TargetConnectException e) {
            throw new TargetUnreachableException(e.getMessage());
        }
    }
}
