package dev.milvuscdc.sink;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.IDs;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** {@link TargetWriter} over the target's ordinary gRPC API; works with any Milvus 2.3+ without special settings. */
public final class MilvusTargetWriter implements TargetWriter {

    public static final Duration DEFAULT_RPC_TIMEOUT = Duration.ofSeconds(60);

    private final DdlApplier ddl;
    private final DmlApplier dml;
    private final IndexApplier indexes;
    private final TargetDataNodes dataNodes;
    private final TargetProxy proxy;

    public MilvusTargetWriter(MilvusConnection connection) {
        this(connection, DEFAULT_RPC_TIMEOUT);
    }

    public MilvusTargetWriter(MilvusConnection connection, Duration rpcTimeout) {
        this(new TargetCalls(connection, rpcTimeout), false);
    }

    /** @param replicateMode whether collections are created and dropped as replicated changes (see {@link DdlApplier}) */
    MilvusTargetWriter(TargetCalls calls, boolean replicateMode) {
        this.ddl = new DdlApplier(calls, replicateMode);
        this.dml = new DmlApplier(calls, ddl);
        this.indexes = new IndexApplier(calls, ddl);
        this.dataNodes = new TargetDataNodes(calls);
        this.proxy = new TargetProxy(calls);
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
    public List<String> databases() {
        return ddl.databases();
    }

    @Override
    public void createCollection(String db, String name, CollectionDefinition definition) {
        dml.forget(db, name);
        ddl.createCollection(db, name, definition);
    }

    @Override
    public void adoptCollection(String db, String name, CollectionDefinition definition) {
        ddl.adoptCollection(db, name, definition);
    }

    @Override
    public Optional<ExistingCollection> existingCollection(String db, String name) {
        return ddl.existing(db, name);
    }

    @Override
    public List<ExistingCollection> collections(String db) {
        return ddl.collections(db);
    }

    @Override
    public boolean dropCollection(String db, String name, long sourceCollectionId) {
        dml.forget(db, name);
        return ddl.dropCollection(db, name, sourceCollectionId);
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
    public void createIndex(String db, ChangeEvent.IndexCreated index) {
        indexes.createIndex(db, index);
    }

    @Override
    public void dropIndex(String db, ChangeEvent.IndexDropped index) {
        indexes.dropIndex(db, index);
    }

    @Override
    public void loadCollection(String db, ChangeEvent.CollectionLoaded load) {
        indexes.loadCollection(db, load);
    }

    @Override
    public void releaseCollection(String db, String collection) {
        indexes.releaseCollection(db, collection);
    }

    @Override
    public void flush(String db, List<String> collections) {
        indexes.flush(db, collections);
    }

    @Override
    public Optional<String> dataNodes() {
        return dataNodes.names();
    }

    @Override
    public Optional<Long> proxyId() {
        return proxy.nodeId();
    }
}
