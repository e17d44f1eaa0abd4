package dev.milvuscdc.task;

/** Copies of a {@link TaskSpec} with one field changed. */
final class TaskSpecs {

    private TaskSpecs() {
    }

    static TaskSpec withTaskId(TaskSpec s, String taskId) {
        return new TaskSpec(s.milvusConnectParam(), s.kafkaConnectParam(), s.collectionInfos(), s.dbCollections(),
                s.rpcChannelInfo(), s.extraInfo(), s.nameMapping(), s.bufferConfig(), s.disableAutoStart(), taskId);
    }
}
