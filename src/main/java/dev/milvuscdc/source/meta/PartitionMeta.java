package dev.milvuscdc.source.meta;

/** A source partition as etcd describes it. */
public record PartitionMeta(long id, long collectionId, String name) {
}
