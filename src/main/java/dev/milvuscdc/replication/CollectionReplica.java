package dev.milvuscdc.replication;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The target copy of one source collection (same database and name), the partitions of it this run
 * has made sure of, and the source partitions known to be dropped. Thread-safe.
 */
final class CollectionReplica {

    final long sourceId;
    final String database;
    final String name;
    final boolean partitionKey;
    final String primaryKeyField;
    final InFlight calls = new InFlight();
    /** Live partition copies by source partition id. */
    final ConcurrentMap<Long, PartitionReplica> partitions = new ConcurrentHashMap<>();
    /** Source partitions whose rows are passed over: the source dropped them. */
    final Set<Long> droppedPartitions = ConcurrentHashMap.newKeySet();

    CollectionReplica(long sourceId, String database, String name, boolean partitionKey, String primaryKeyField) {
        this.sourceId = sourceId;
        this.database = database;
        this.name = name;
        this.partitionKey = partitionKey;
        this.primaryKeyField = primaryKeyField;
    }

    @Override
    public String toString() {
        return database + "." + name;
    }
}
