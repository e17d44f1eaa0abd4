package dev.milvuscdc.source.meta;

/** A source partition as etcd describes it. */
public record PartitionMeta(long id, long collectionId, String name, State state) {

    /**
     * Milvus 2.3 writes a partition as Creating before it is Created, and as Dropping before the
     * tombstone; only a Created partition takes rows.
     */
    public enum State { CREATING, CREATED, DROPPING }

    public boolean live() {
        return state == State.CREATED;
    }
}
