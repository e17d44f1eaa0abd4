package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.event.MessagePack;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.pipeline.CallPipeline;
import dev.milvuscdc.pipeline.RowBatcher;
import dev.milvuscdc.sink.TargetWriter;
import dev.milvuscdc.task.TaskScope;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DropIndexRequest;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.IDs;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.ReleaseCollectionRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import milvus.proto.msg.Msg;

/**
 * Applies the changes of one pack to the target, in the pack's order: rows as inserts (upserts where
 * the target may hold them already, so that a replay changes nothing) and deletes by primary key,
 * collection and partition drops, and the replicate channel's index, load, release and flush
 * operations. Databases, collections and partitions are created on the target through the
 * {@link TargetCatalog}. Changes outside the task's scope, or of collections the source has dropped
 * since, are passed over. Consecutive row changes of one kind into one collection partition are
 * joined into fewer target calls ({@link RowBatcher}), which run several at a time as long as they
 * touch different rows ({@link CallPipeline}); other changes wait for the calls in flight.
 * {@link #apply} may thus return before the target holds the pack: {@link #completedThrough()}
 * tells when it does. One applier serves one channel.
 */
final class ChangeApplier implements AutoCloseable {

    // Milvus's gRPC limit on one request is 64 MB by default; a quarter of it keeps a target call short.
    private static final int MAX_CALL_ROWS = 50_000;
    private static final long MAX_CALL_BYTES = 16L * 1024 * 1024;
    // As many calls in flight per channel as the benchmark's direct client uses (docs/performance.md);
    // calls under a thousand rows cost the target noticeably more per row.
    private static final int CALLS_IN_FLIGHT = 4;
    private static final int MIN_CALL_ROWS = 1_000;

    private final TargetCatalog catalog;
    private final TargetWriter writer;
    private final Retrier retrier;
    private final CdcMetrics metrics;
    private final String taskId;
    private final RowBatcher batcher = new RowBatcher(MIN_CALL_ROWS, MAX_CALL_ROWS, MAX_CALL_BYTES, CALLS_IN_FLIGHT);
    private final CallPipeline calls;

    ChangeApplier(TargetCatalog catalog, TargetWriter writer, Retrier retrier, CdcMetrics metrics, String taskId,
            String channel) {
        this.catalog = catalog;
        this.writer = writer;
        this.retrier = retrier;
        this.metrics = metrics;
        this.taskId = taskId;
        this.calls = new CallPipeline("cdc-" + taskId + "-" + channel, CALLS_IN_FLIGHT, Map.of("task", taskId));
    }

    /**
     * Starts applying a pack; returns the number of its last target call (see {@link #completedThrough()}).
     *
     * @param replayed whether the target may hold some of the pack's rows already: then inserts are
     *                 written as upserts, so that a replay never duplicates a row
     */
    long apply(MessagePack pack, boolean replayed) throws InterruptedException {
        applyInOrder(pack, replayed);
        return calls.submitted();
    }

    /** The number up to which every target call has succeeded; rethrows a call's failure. */
    long completedThrough() throws InterruptedException {
        return calls.completedThrough();
    }

    private void applyInOrder(MessagePack pack, boolean replayed) throws InterruptedException {
        List<LogMessage> messages = pack.messages();
        int i = 0;
        while (i < messages.size()) {
            ChangeEvent event = messages.get(i).event();
            int end = endOfRun(messages, i);
            if (event instanceof ChangeEvent.Insert insert) {
                insert(insert.request(), messages.subList(i, end).stream()
                        .map(m -> (ChangeEvent.Insert) m.event()).toList(), replayed);
            } else if (event instanceof ChangeEvent.Delete delete) {
                delete(delete.request(), messages.subList(i, end).stream()
                        .map(m -> ((ChangeEvent.Delete) m.event()).request()).toList());
            } else {
                apply(event);
            }
            i = end;
        }
    }

    /** The end of the run of row changes of one kind into one collection partition that starts at {@code start}. */
    private static int endOfRun(List<LogMessage> messages, int start) {
        Optional<RunKey> key = RunKey.of(messages.get(start).event());
        int end = start + 1;
        while (key.isPresent() && end < messages.size() && key.equals(RunKey.of(messages.get(end).event()))) {
            end++;
        }
        return end;
    }

    /** What row changes share to be joined: their kind, collection and partition. */
    private record RunKey(boolean insert, long collectionId, String partition) {

        static Optional<RunKey> of(ChangeEvent event) {
            if (event instanceof ChangeEvent.Insert insert) {
                return Optional.of(new RunKey(true, insert.request().getCollectionID(), insert.request().getPartitionName()));
            }
            if (event instanceof ChangeEvent.Delete delete) {
                return Optional.of(new RunKey(false, delete.request().getCollectionID(), delete.request().getPartitionName()));
            }
            return Optional.empty();
        }
    }

    private void apply(ChangeEvent event) throws InterruptedException {
        calls.drain();
        if (event instanceof ChangeEvent.CollectionCreated created) {
            catalog.ensure(created.request().getCollectionID());
        } else if (event instanceof ChangeEvent.CollectionDropped dropped) {
            catalog.collectionDroppedFromLog(dropped.request().getCollectionID());
        } else if (event instanceof ChangeEvent.PartitionDropped dropped) {
            catalog.partitionDropped(dropped.request().getCollectionID(), dropped.request().getPartitionName());
        } else if (event instanceof ChangeEvent.Operation operation) {
            operation(operation);
        }
    }

    /** A run of inserts into one collection partition, {@code first} among them. */
    private void insert(Msg.InsertRequest first, List<ChangeEvent.Insert> run, boolean replayed) throws InterruptedException {
        Optional<ReplicatedCollection> target = catalog.ensure(first.getCollectionID());
        if (target.isEmpty()) {
            return;
        }
        ReplicatedCollection collection = target.get();
        String partition = partitionOf(collection, first.getPartitionName());
        if (partition != null) {
            catalog.ensurePartition(collection, partition);
        }
        for (RowBatcher.JoinedInsert joined : batcher.joinInserts(run, collection.primaryKeyField())) {
            calls.submit(collection.sourceId(), joined.keys(), () -> write(collection, partition, joined.rows(), replayed));
        }
    }

    /**
     * Inserts rows the target cannot hold yet; upserts them when it may: in a replay, and when
     * retrying a call whose first try may have reached the target before it failed. Inserts cost
     * a loaded target less than upserts, which also delete, and keep what the source keeps.
     */
    private void write(ReplicatedCollection collection, String partition, ChangeEvent.Insert rows, boolean replayed)
            throws InterruptedException {
        long count = rows.request().getNumRows();
        AtomicBoolean tried = new AtomicBoolean(replayed);
        retrier.run("write " + count + " rows into " + collection, () -> {
            if (tried.getAndSet(true)) {
                writer.upsert(collection.database(), collection.name(), partition, rows.columns(), (int) count);
            } else {
                writer.insert(collection.database(), collection.name(), partition, rows.columns(), (int) count);
            }
        });
        metrics.rowsReplicated(taskId, rows.request().getCollectionID(), collection.name(), "insert", count);
    }

    /** A run of deletes from one collection partition, {@code first} among them. */
    private void delete(Msg.DeleteRequest first, List<Msg.DeleteRequest> run) throws InterruptedException {
        Optional<ReplicatedCollection> target = catalog.ensure(first.getCollectionID());
        if (target.isEmpty()) {
            return;
        }
        ReplicatedCollection collection = target.get();
        String partition = partitionOf(collection, first.getPartitionName());
        for (IDs keys : batcher.joinDeletes(run)) {
            calls.submit(collection.sourceId(), RowBatcher.keysIn(keys), () -> {
                long rows = RowBatcher.keyCount(keys);
                retrier.run("delete " + rows + " rows from " + collection,
                        () -> writer.delete(collection.database(), collection.name(), partition, keys));
                metrics.rowsReplicated(taskId, first.getCollectionID(), collection.name(), "delete", rows);
            });
        }
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

    @Override
    public void close() {
        calls.close();
    }
}
