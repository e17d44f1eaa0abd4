package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.event.MessagePack;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.target.TargetWriter;
import dev.milvuscdc.task.TaskScope;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DropIndexRequest;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.IDs;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ReleaseCollectionRequest;
import java.util.List;
import java.util.Optional;
import milvus.proto.msg.Msg;

/**
 * Applies the changes of one pack to the target, in the pack's order: rows as upserts and deletes
 * by primary key (so that applying a pack twice changes nothing), collection and partition drops,
 * and the replicate channel's index, load, release and flush operations. Databases, collections and
 * partitions are created on the target through the {@link TargetCatalog}. Changes outside the
 * task's scope, or of collections the source has dropped since, are passed over.
 */
final class ChangeApplier {

    private final TargetCatalog catalog;
    private final TargetWriter writer;
    private final Retrier retrier;
    private final CdcMetrics metrics;
    private final String taskId;

    ChangeApplier(TargetCatalog catalog, TargetWriter writer, Retrier retrier, CdcMetrics metrics, String taskId) {
        this.catalog = catalog;
        this.writer = writer;
        this.retrier = retrier;
        this.metrics = metrics;
        this.taskId = taskId;
    }

    void apply(MessagePack pack) throws InterruptedException {
        for (LogMessage message : pack.messages()) {
            apply(message.event());
        }
    }

    private void apply(ChangeEvent event) throws InterruptedException {
        if (event instanceof ChangeEvent.Insert insert) {
            insert(insert.request());
        } else if (event instanceof ChangeEvent.Delete delete) {
            delete(delete.request());
        } else if (event instanceof ChangeEvent.CollectionCreated created) {
            catalog.ensure(created.request().getCollectionID());
        } else if (event instanceof ChangeEvent.CollectionDropped dropped) {
            catalog.collectionDroppedFromLog(dropped.request().getCollectionID());
        } else if (event instanceof ChangeEvent.PartitionDropped dropped) {
            catalog.partitionDropped(dropped.request().getCollectionID(), dropped.request().getPartitionName());
        } else if (event instanceof ChangeEvent.Operation operation) {
            operation(operation);
        }
    }

    private void insert(Msg.InsertRequest request) throws InterruptedException {
        Optional<ReplicatedCollection> target = catalog.ensure(request.getCollectionID());
        if (target.isEmpty()) {
            return;
        }
        ReplicatedCollection collection = target.get();
        String partition = partitionOf(collection, request.getPartitionName());
        if (partition != null) {
            catalog.ensurePartition(collection, partition);
        }
        retrier.run("upsert " + request.getNumRows() + " rows into " + collection, () -> writer.upsert(
                collection.database(), collection.name(), partition, request.getFieldsDataList(), (int) request.getNumRows()));
        metrics.rowsReplicated(taskId, request.getCollectionID(), collection.name(), "insert", request.getNumRows());
    }

    private void delete(Msg.DeleteRequest request) throws InterruptedException {
        Optional<ReplicatedCollection> target = catalog.ensure(request.getCollectionID());
        if (target.isEmpty()) {
            return;
        }
        ReplicatedCollection collection = target.get();
        String partition = partitionOf(collection, request.getPartitionName());
        IDs keys = request.hasPrimaryKeys()
                ? request.getPrimaryKeys()
                : IDs.newBuilder().setIntId(LongArray.newBuilder().addAllData(request.getInt64PrimaryKeysList())).build();
        retrier.run("delete " + request.getNumRows() + " rows from " + collection,
                () -> writer.delete(collection.database(), collection.name(), partition, keys));
        metrics.rowsReplicated(taskId, request.getCollectionID(), collection.name(), "delete", request.getNumRows());
    }

    private void operation(ChangeEvent.Operation operation) throws InterruptedException {
        if (operation.request() instanceof CreateIndexRequest request) {
            onCollection(request.getDbName(), request.getCollectionName(), "create index",
                    c -> writer.createIndex(c.database(), request.toBuilder().setCollectionName(c.name()).build()));
        } else if (operation.request() instanceof DropIndexRequest request) {
            onCollection(request.getDbName(), request.getCollectionName(), "drop index",
                    c -> writer.dropIndex(c.database(), request));
        } else if (operation.request() instanceof LoadCollectionRequest request) {
            onCollection(request.getDbName(), request.getCollectionName(), "load",
                    c -> writer.loadCollection(c.database(), request));
        } else if (operation.request() instanceof ReleaseCollectionRequest request) {
            onCollection(request.getDbName(), request.getCollectionName(), "release",
                    c -> writer.releaseCollection(c.database(), request));
        } else if (operation.request() instanceof FlushRequest request) {
            String db = database(request.getDbName());
            List<String> names = request.getCollectionNamesList().stream().filter(n -> catalog.inScope(db, n)).toList();
            if (!names.isEmpty()) {
                retrier.run("flush " + db + "." + names, () -> writer.flush(db, names));
                metrics.apiExecuted(taskId, "flush");
            }
        }
    }

    private void onCollection(String db, String name, String what, java.util.function.Consumer<ReplicatedCollection> action)
            throws InterruptedException {
        Optional<ReplicatedCollection> target = catalog.ensure(database(db), name);
        if (target.isPresent()) {
            retrier.run(what + " on " + target.get(), () -> action.accept(target.get()));
            metrics.apiExecuted(taskId, what.replace(' ', '_'));
        }
    }

    /** The partition a row change names, or null where the target must route rows itself. */
    private static String partitionOf(ReplicatedCollection collection, String partition) {
        return collection.partitionKey() || partition.isEmpty() ? null : partition;
    }

    private static String database(String name) {
        return name == null || name.isEmpty() ? TaskScope.DEFAULT_DB : name;
    }
}
