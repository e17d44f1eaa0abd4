package dev.milvuscdc.sink;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.IDs;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's {@code dryRun} mode: everything is read and decoded as usual, and every change the
 * target would receive is logged, one line per target call, instead of being made. The target is
 * still asked what it holds (it must be reachable), and is never changed.
 */
public final class DryRunTargetWriter implements TargetWriter {

    private static final Logger LOG = LoggerFactory.getLogger(DryRunTargetWriter.class);

    private final TargetWriter target;

    /** @param target asked what it holds; never written */
    public DryRunTargetWriter(TargetWriter target) {
        this.target = target;
    }

    /** Connects as {@code connector} does, and wraps its writer. */
    public static TargetConnector around(TargetConnector connector) {
        return (param, replicateMode) -> {
            TargetConnector.Connected connected = connector.connect(param, replicateMode);
            return new TargetConnector.Connected(new DryRunTargetWriter(connected.writer()), connected.connection());
        };
    }

    private static void wouldDo(String change) {
        LOG.info("dry run, not applied: {}", change);
    }

    @Override
    public void createDatabase(String db) {
        wouldDo("create database " + db);
    }

    @Override
    public void dropDatabase(String db) {
        wouldDo("drop database " + db);
    }

    @Override
    public List<String> databases() {
        return target.databases();
    }

    @Override
    public void createCollection(String db, String name, CollectionDefinition definition) {
        wouldDo("create collection " + db + "." + name + " as the copy of source collection " + definition.sourceCollectionId());
    }

    @Override
    public void adoptCollection(String db, String name, CollectionDefinition definition) {
        wouldDo("take over collection " + db + "." + name + " as the copy of source collection " + definition.sourceCollectionId());
    }

    @Override
    public Optional<ExistingCollection> existingCollection(String db, String name) {
        return target.existingCollection(db, name);
    }

    @Override
    public List<ExistingCollection> collections(String db) {
        return target.collections(db);
    }

    @Override
    public boolean dropCollection(String db, String name, long sourceCollectionId) {
        wouldDo("drop collection " + db + "." + name + " if it is the copy of source collection " + sourceCollectionId);
        return false;
    }

    @Override
    public void createPartition(String db, String collection, String partition) {
        wouldDo("create partition " + db + "." + collection + "/" + partition);
    }

    @Override
    public void dropPartition(String db, String collection, String partition) {
        wouldDo("drop partition " + db + "." + collection + "/" + partition);
    }

    @Override
    public void upsert(String db, String collection, String partition, List<EncodedColumn> columns, int numRows) {
        wouldDo("upsert " + numRows + " rows into " + db + "." + collection + partitionText(partition));
    }

    @Override
    public void insert(String db, String collection, String partition, List<EncodedColumn> columns, int numRows) {
        wouldDo("insert " + numRows + " rows into " + db + "." + collection + partitionText(partition));
    }

    @Override
    public void delete(String db, String collection, String partition, IDs primaryKeys) {
        int keys = primaryKeys.hasIntId() ? primaryKeys.getIntId().getDataCount() : primaryKeys.getStrId().getDataCount();
        wouldDo("delete " + keys + " keys from " + db + "." + collection + partitionText(partition));
    }

    @Override
    public void createIndex(String db, ChangeEvent.IndexCreated index) {
        wouldDo("create index '" + index.indexName() + "' on " + db + "." + index.collection() + "." + index.field()
                + " " + index.params());
    }

    @Override
    public void dropIndex(String db, ChangeEvent.IndexDropped index) {
        wouldDo("drop index '" + index.indexName() + "' of " + db + "." + index.collection());
    }

    @Override
    public void loadCollection(String db, ChangeEvent.CollectionLoaded load) {
        wouldDo("load " + db + "." + load.collection() + " with " + load.replicas() + " replicas");
    }

    @Override
    public void releaseCollection(String db, String collection) {
        wouldDo("release " + db + "." + collection);
    }

    @Override
    public void flush(String db, List<String> collections) {
        wouldDo("flush " + db + "." + collections);
    }

    /** Nothing is written, so a target that restarts loses nothing of the task's. */
    @Override
    public Optional<String> dataNodes() {
        return Optional.empty();
    }

    @Override
    public Optional<Long> proxyId() {
        return Optional.empty();
    }

    private static String partitionText(String partition) {
        return partition == null ? "" : " partition " + partition;
    }
}
