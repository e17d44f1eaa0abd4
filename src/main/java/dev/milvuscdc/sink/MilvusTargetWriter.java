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
import java.time.Duration;
import java.util.List;

/** {@link TargetWriter} over the target's ordinary gRPC API; works with any Milvus 2.3+ without special settings. */
public final class MilvusTargetWriter implements TargetWriter {

    public static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofSeconds(60);

    private final DdlApplier ddl;
    private final DmlApplier dml;
    private final IndexApplier indexes;

    public MilvusTargetWriter(MilvusTargetConnection connection) {
        this(connection, DEFAULT_RPC_TIMEOUT);
    }

    public MilvusTargetWriter(MilvusTargetConnection connection, Duration rpcTimeout) {
        TargetCalls calls = new TargetCalls(connection, rpcTimeout);
        this.ddl = new DdlApplier(calls);
        this.dml = new DmlApplier(calls, ddl);
        this.indexes = new IndexApplier(calls, ddl);
    }

    @Override
    public void createDatabase(String db) {
        ddl.createDatabase(db);
    }

    @Override
    public void dropDatabase(String db) {
        ddl.dropDatabase(db);
    }

    @Override
    public void createCollection(String db, String name, CollectionSchema sourceSchema, int shardsNum,
                                 ConsistencyLevel consistencyLevel, List<KeyValuePair> properties, int numPartitions) {
        dml.forget(db, name);
        ddl.createCollection(db, name, sourceSchema, shardsNum, consistencyLevel, properties, numPartitions);
    }

    @Override
    public void dropCollection(String db, String name) {
        dml.forget(db, name);
        ddl.dropCollection(db, name);
    }

    @Override
    public void createPartition(String db, String collection, String partition) {
        ddl.createPartition(db, collection, partition);
    }

    @Override
    public void dropPartition(String db, String collection, String partition) {
        ddl.dropPartition(db, collection, partition);
    }

    @Override
    public void upsert(String db, String collection, String partition, List<EncodedColumn> columns, int numRows) {
        dml.upsert(db, collection, partition, columns, numRows);
    }

    @Override
    public void insert(String db, String collection, String partition, List<EncodedColumn> columns, int numRows) {
        dml.insert(db, collection, partition, columns, numRows);
    }

    @Override
    public void delete(String db, String collection, String partition, IDs primaryKeys) {
        dml.delete(db, collection, partition, primaryKeys);
    }

    @Override
    public void createIndex(String db, CreateIndexRequest source) {
        indexes.createIndex(db, source);
    }

    @Override
    public void dropIndex(String db, DropIndexRequest source) {
        indexes.dropIndex(db, source);
    }

    @Override
    public void loadCollection(String db, LoadCollectionRequest source) {
        indexes.loadCollection(db, source);
    }

    @Override
    public void releaseCollection(String db, ReleaseCollectionRequest source) {
        indexes.releaseCollection(db, source);
    }

    @Override
    public void flush(String db, List<String> collections) {
        indexes.flush(db, collections);
    }
}
