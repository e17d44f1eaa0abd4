package dev.milvuscdc.source.meta;

/**
 * One decoded change of the source's etcd metadata. A removal carries only the ids its key names,
 * since Milvus replaces a removed value with a tombstone.
 */
public sealed interface MetaChange {

    record DatabasePut(DatabaseMeta database) implements MetaChange { }

    record DatabaseRemoved(long databaseId) implements MetaChange { }

    /** A collection's record; {@code meta.schema()} has no fields yet, they come as {@link FieldPut}. */
    record CollectionPut(CollectionMeta meta, boolean dropping) implements MetaChange { }

    record CollectionRemoved(long dbId, long collectionId) implements MetaChange { }

    record PartitionPut(PartitionMeta partition) implements MetaChange { }

    record PartitionRemoved(long collectionId, long partitionId) implements MetaChange { }

    record FieldPut(long collectionId, io.milvus.grpc.FieldSchema field) implements MetaChange { }

    record FieldRemoved(long collectionId, long fieldId) implements MetaChange { }
}
