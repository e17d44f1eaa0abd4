package dev.milvuscdc.sink;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.IDs;
import java.util.List;
import java.util.Optional;

/**
 * Applies source changes to the target Milvus. Every operation is idempotent: applying it again
 * (a replay after a crash) leaves the target as it was after the first time. Failures are
 * {@link RetriableTargetException} (try again later) or {@link PermanentTargetException} (an
 * operator must act; {@link TargetObjectMissingException} when the collection or partition named
 * is not there); all name the operation and the object. Implementations are thread-safe.
 *
 * <p>A collection this writer creates carries the id of the source collection it copies (a
 * collection property), so that a copy of a dropped collection is never taken for the copy of a
 * new collection of the same name.
 */
public interface TargetWriter {

    /** Creates the database unless it exists. */
    void createDatabase(String db);

    /** Drops the database if it exists; {@code default} is never dropped. */
    void dropDatabase(String db);

    /** Every database of the target. */
    List<String> databases();

    /**
     * Creates the collection as the copy of a source collection (system and {@code $meta} fields
     * dropped, the primary key without autoID). The same copy with an equivalent schema is kept;
     * any other collection of that name is a {@link PermanentTargetException}.
     */
    void createCollection(String db, String name, CollectionDefinition definition);

    /**
     * Marks a collection that someone else made (a backup restored on the target) as the copy of a
     * source collection, when its schema is equivalent; a different schema is a {@link PermanentTargetException}.
     */
    void adoptCollection(String db, String name, CollectionDefinition definition);

    /** The collection of that name, with the source collection it copies; empty when it does not exist. */
    Optional<ExistingCollection> existingCollection(String db, String name);

    /** Every collection of the database; empty when the database does not exist. */
    List<ExistingCollection> collections(String db);

    /** Drops the collection if it is the copy of that source collection; true when it was dropped. */
    boolean dropCollection(String db, String name, long sourceCollectionId);

    /** Creates the partition unless it exists; {@code _default} is skipped. */
    void createPartition(String db, String collection, String partition);

    /** Releases and drops the partition if it exists; {@code _default} is skipped. */
    void dropPartition(String db, String collection, String partition);

    /**
     * Writes rows as an upsert: rows whose keys exist are replaced. {@code columns} are the
     * {@code fields_data} of a source insert, passed through encoded; system fields are dropped.
     * {@code partition} may be null, and is ignored for partition-key collections.
     */
    void upsert(String db, String collection, String partition, List<EncodedColumn> columns, int numRows);

    /** Writes rows as an insert, as {@link #upsert} but keeping rows whose keys exist, as the source does. */
    void insert(String db, String collection, String partition, List<EncodedColumn> columns, int numRows);

    /** Deletes rows by primary key; absent keys are fine. {@code partition} may be null. */
    void delete(String db, String collection, String partition, IDs primaryKeys);

    /** Creates the index unless an identical one exists; a different index on the field is permanent. */
    void createIndex(String db, ChangeEvent.IndexCreated index);

    void dropIndex(String db, ChangeEvent.IndexDropped index);

    void loadCollection(String db, ChangeEvent.CollectionLoaded load);

    void releaseCollection(String db, String collection);

    /** Flushes those of the collections that exist. */
    void flush(String db, List<String> collections);

    /**
     * The names of the target's data nodes, which change when one of them restarts (Milvus gives
     * every process start a new node id); empty when the target does not tell them.
     */
    Optional<String> dataNodes();

    /**
     * The node id of the target's proxy, renewed at every start of that process; empty when the
     * target does not tell it. Unlike {@link #dataNodes()}, safe to ask a target that just started.
     */
    Optional<Long> proxyId();
}
