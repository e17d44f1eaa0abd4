package dev.milvuscdc.source.meta;

import java.util.List;
import java.util.Optional;

/**
 * What the engine asks of the source's metadata: the databases, collections and partitions the
 * source has, and what it can still say of the ones it dropped. Lookups that miss may list the
 * source again, since the log can run ahead of the metadata watch. Closing it stops watching the
 * source. Thread-safe.
 */
public interface SourceCatalog extends AutoCloseable {

    Optional<DatabaseMeta> database(long id);

    /** Every database that exists on the source now. */
    List<DatabaseMeta> databases();

    /** The name of a database, also after it was dropped; empty when the source never told of it. */
    Optional<String> databaseName(long databaseId);

    /** True when a database of that name exists on the source now. */
    boolean hasDatabase(String name);

    /** Every collection that exists on the source now (created, not being dropped), with its full schema. */
    List<CollectionMeta> collections();

    /** The collection with this id when it exists now, with its full schema. */
    Optional<CollectionMeta> collection(long id);

    /** The live collection of this database and name that existed at {@code timestamp} (created no later). */
    Optional<CollectionMeta> collectionAt(String databaseName, String collectionName, long timestamp);

    /** The database and name a dropped collection had, while the source still keeps its record. */
    Optional<QualifiedName> droppedCollectionName(long collectionId);

    /** True when the source has told of this collection: live, being created, or dropped. */
    boolean describes(long collectionId);

    /**
     * True while the source is still creating this collection (its record is not whole yet, or says
     * Creating): it is neither live nor dropped, and its Created record follows.
     */
    boolean creating(long collectionId);

    /** The live (Created) partitions of a collection. */
    List<PartitionMeta> partitions(long collectionId);

    /** The partition with this id when it exists and takes rows (Created). */
    Optional<PartitionMeta> livePartition(long collectionId, long partitionId);

    /** The live partition of that name in the collection, if any. */
    Optional<PartitionMeta> livePartitionNamed(long collectionId, String name);

    @Override
    void close();
}
