package dev.milvuscdc.sink;

import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DropIndexRequest;
import io.milvus.grpc.IDs;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.ReleaseCollectionRequest;
import java.util.List;

/**
 * Applies source changes to the target Milvus. Every operation is idempotent: applying it again
 * (a replay after a crash) leaves the target as it was after the first time. Failures are
 * {@link RetriableTargetException} (try again later) or {@link PermanentTargetException} (an
 * operator must act); both name the operation and the object. Implementations are thread-safe.
 */
public interface TargetWriter {

    /** Creates the database unless it exists. */
    void createDatabase(String db);

    /** Drops the database if it exists; {@code default} is never dropped. */
    void dropDatabase(String db);

    /**
     * Creates the collection from the source's schema (system and {@code $meta} fields dropped,
     * the primary key without autoID). An existing collection with an equivalent schema is kept;
     * a different one is a {@link PermanentTargetException}.
     */
    void createCollection(String db, String name, CollectionSchema sourceSchema, int shardsNum,
                          ConsistencyLevel consistencyLevel, List<KeyValuePair> properties, int numPartitions);

    void dropCollection(String db, String name);

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
    void createIndex(String db, CreateIndexRequest source);

    void dropIndex(String db, DropIndexRequest source);

    void loadCollection(String db, LoadCollectionRequest source);

    void releaseCollection(String db, ReleaseCollectionRequest source);

    /** Flushes those of the collections that exist. */
    void flush(String db, List<String> collections);
}
