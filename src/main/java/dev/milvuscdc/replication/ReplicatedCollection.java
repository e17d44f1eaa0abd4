package dev.milvuscdc.replication;

/** A source collection that exists on the target, under the same database and name. */
record ReplicatedCollection(long sourceId, String database, String name, boolean partitionKey, String primaryKeyField) {

    @Override
    public String toString() {
        return database + "." + name;
    }
}
