package dev.milvuscdc.control;

import dev.milvuscdc.sink.MessageReplicator;
import dev.milvuscdc.sink.MilvusConnectException;
import dev.milvuscdc.sink.MilvusConnection;
import dev.milvuscdc.sink.MilvusPeer;
import dev.milvuscdc.sink.TargetException;
import dev.milvuscdc.task.TaskSpec;

/** Opens a real gRPC connection to the target Milvus, proves it answers, and closes it again. */
public final class MilvusTargetProbe implements TargetProbe {

    @Override
    public void check(TaskSpec.MilvusConnectParam target) throws TargetUnreachableException {
        try (MilvusConnection connection = MilvusConnection.open(MilvusPeer.TARGET, target)) {
            connection.address();
        } catch (MilvusConnectException e) {
            throw new TargetUnreachableException(e.getMessage());
        }
    }

    @Override
    public boolean replicateMode(TaskSpec.MilvusConnectParam target) throws TargetUnreachableException {
        try (MilvusConnection connection = MilvusConnection.open(MilvusPeer.TARGET, target)) {
            return MessageReplicator.on(connection).replicateMode();
        } catch (MilvusConnectException | TargetException e) {
            throw new TargetUnreachableException(e.getMessage());
        }
    }
}
