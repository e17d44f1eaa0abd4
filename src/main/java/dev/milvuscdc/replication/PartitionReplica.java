package dev.milvuscdc.replication;

/** The target copy of one source partition: a partition of the same name in the collection's copy. */
record PartitionReplica(long sourceId, String name, InFlight calls) {

    PartitionReplica(long sourceId, String name) {
        this(sourceId, name, new InFlight());
    }
}
