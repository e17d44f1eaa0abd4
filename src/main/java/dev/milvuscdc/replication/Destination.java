package dev.milvuscdc.replication;

/**
 * Where a row change goes on the target: the copy of its collection, the partition to name (null
 * where the target routes rows itself), and the copy of that partition when the task manages it.
 * Entering holds both copies for a call, so that dropping either waits for the call.
 */
record Destination(CollectionReplica collection, String partitionName, PartitionReplica partition) {

    boolean enter() {
        if (!collection.calls.enter()) {
            return false;
        }
        if (partition != null && !partition.calls().enter()) {
            collection.calls.exit();
            return false;
        }
        return true;
    }

    void exit() {
        if (partition != null) {
            partition.calls().exit();
        }
        collection.calls.exit();
    }
}
