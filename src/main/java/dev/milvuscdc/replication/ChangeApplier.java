package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.event.MessagePack;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.pipeline.CallPipeline;
import dev.milvuscdc.pipeline.RowBatcher;
import dev.milvuscdc.pipeline.RowChangeGrouper;
import dev.milvuscdc.pipeline.RowRun;
import dev.milvuscdc.sink.TargetWriter;
import io.milvus.grpc.IDs;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * Applies the changes of one pack to the target, in the pack's order: rows as inserts (upserts where
 * the target may hold them already, so that a replay changes nothing) and deletes by primary key,
 * drops, and the replicate channel's database, index, load, release and flush operations. The
 * copies of collections and partitions are found, or made, by the source ids the changes name
 * ({@link TargetCatalog}); changes of objects the source dropped, or outside
 * the task's scope, are passed over. Row changes between two other events are grouped by kind
 * and partition where their keys allow ({@link RowChangeGrouper}) and joined into fewer target
 * calls ({@link RowBatcher}), which run several at a time as long as they
 * touch different rows ({@link CallPipeline}); other changes wait for the calls in flight.
 * {@link #apply} may thus return before the target holds the pack: {@link #completedThrough()}
 * tells when it does. In the replicate write mode, row changes are the source's own messages,
 * forwarded as they are ({@link MessageForwarder}) and complete when {@link #apply} returns. One
 * applier serves one channel.
 */
final class ChangeApplier implements AutoCloseable {

    // Milvus's gRPC limit on one request is 64 MB by default. 1 MiB per call, 4 calls per channel, bounds
    // what a channel holds in target calls at 4 MiB (and as much again while gRPC serializes them). A
    // call is no larger than one Kafka read anyway (KafkaSource's 1 MiB); side by side with 4 MiB, the
    // 768-d benchmark replicated no slower with calls of about 330 rows (docs/performance.md).
    private static final int MAX_CALL_ROWS = 50_000;
    private static final long MAX_CALL_BYTES = 1024L * 1024;
    // As many calls in flight per channel as the benchmark's direct client uses (docs/performance.md);
    // calls under a thousand rows cost the target noticeably more per row.
    private static final int CALLS_IN_FLIGHT = 4;
    private static final int MIN_CALL_ROWS = 1_000;

    private final TargetCatalog catalog;
    private final TargetWriter writer;
    private final Retrier retrier;
    private final CdcMetrics metrics;
    private final String taskId;
    private final String channel;
    private final RowBatcher batcher = new RowBatcher(MIN_CALL_ROWS, MAX_CALL_ROWS, MAX_CALL_BYTES, CALLS_IN_FLIGHT);
    private final CallPipeline calls;
    private final Optional<MessageForwarder> forwarder;

    ChangeApplier(TargetCatalog catalog, TargetWriter writer, Retrier retrier, CdcMetrics metrics, String taskId,
                  String channel) {
        this(catalog, writer, Optional.empty(), retrier, metrics, taskId, channel);
    }

    /** @param forwarder present in the replicate write mode: it writes the row changes */
    ChangeApplier(TargetCatalog catalog, TargetWriter writer, Optional<MessageForwarder> forwarder, Retrier retrier,
                  CdcMetrics metrics, String taskId, String channel) {
        this.forwarder = forwarder;
        this.catalog = catalog;
        this.writer = writer;
        this.retrier = retrier;
        this.metrics = metrics;
        this.taskId = taskId;
        this.channel = channel;
        this.calls = new CallPipeline("cdc-" + taskId + "-" + channel, CALLS_IN_FLIGHT, Map.of("task", taskId));
    }

    /**
     * Starts applying a pack's changes, in order; returns the number of its last target call (see
     * {@link #completedThrough()}).
     *
     * @param replayed whether the target may hold some of the pack's rows already: then inserts are
     *                 written as upserts, so that a replay never duplicates a row
     */
    long apply(List<LogMessage> messages, boolean replayed) throws InterruptedException {
        int i = 0;
        while (i < messages.size()) {
            ChangeEvent event = messages.get(i).event();
            if (RowRun.of(event).isEmpty()) {
                calls.drain();
                catalog.apply(event);
                i++;
                continue;
            }
            int end = i + 1;
            while (end < messages.size() && RowRun.of(messages.get(end).event()).isPresent()) {
                end++;
            }
            if (forwarder.isPresent()) {
                forwarder.get().forward(messages.subList(i, end));
                i = end;
                continue;
            }
            // The grouper reads every insert's keys; the batcher reuses them instead of decoding them again.
            Map<ChangeEvent, List<?>> keys = new IdentityHashMap<>();
            List<LogMessage> grouped = RowChangeGrouper.group(messages.subList(i, end), change -> {
                Optional<List<?>> read = primaryKeys(change);
                read.ifPresent(found -> keys.put(change, found));
                return read;
            });
            applyRowChanges(grouped, replayed, keys);
            i = end;
        }
        return calls.submitted();
    }

    /**
     * Starts applying row changes ahead of the time tick that releases them (see {@link
     * dev.milvuscdc.pipeline.PackAssembler#takeAhead()}); returns the number of its last target call.
     */
    long applyAhead(List<LogMessage> changes, boolean replayed) throws InterruptedException {
        metrics.rowsAhead(taskId, channel, changes.stream()
                .mapToLong(m -> m.event() instanceof ChangeEvent.Insert insert ? insert.rowCount() : 0).sum());
        return apply(changes, replayed);
    }

    /**
     * Starts applying a pack's changes, as {@link #apply(List, boolean)}, counting the rows it writes
     * again after they went ahead ({@code replayed} must then be true).
     */
    long apply(MessagePack pack, boolean replayed) throws InterruptedException {
        if (pack.rewritesRows()) {
            metrics.aheadRowsRewritten(taskId, channel, pack.rewrittenRows());
        }
        return apply(pack.messages(), replayed);
    }

    /**
     * Starts writing rows that the initial copy read from the source, as upserts: the stream
     * that follows the copy may write them again. Returns the number of its last target call.
     */
    long applyCopied(ChangeEvent.Insert rows) throws InterruptedException {
        insert(List.of(rows), true, Map.of());
        return calls.submitted();
    }

    /** Waits until every call started so far has ended; rethrows a call's failure. */
    void awaitCalls() throws InterruptedException {
        calls.drain();
    }

    /** The number up to which every target call has succeeded; rethrows a call's failure. */
    long completedThrough() throws InterruptedException {
        return calls.completedThrough();
    }

    /** Applies row changes run by run: each run of one kind into one partition as few calls. */
    private void applyRowChanges(List<LogMessage> changes, boolean replayed, Map<ChangeEvent, List<?>> keys)
            throws InterruptedException {
        int i = 0;
        while (i < changes.size()) {
            RowRun run = RowRun.of(changes.get(i).event()).orElseThrow();
            int end = i + 1;
            while (end < changes.size() && RowRun.of(changes.get(end).event()).orElseThrow().equals(run)) {
                end++;
            }
            List<ChangeEvent> events = changes.subList(i, end).stream().map(LogMessage::event).toList();
            if (run.insert()) {
                insert(events.stream().map(ChangeEvent.Insert.class::cast).toList(), replayed, keys);
            } else {
                delete(events.stream().map(ChangeEvent.Delete.class::cast).toList());
            }
            i = end;
        }
    }

    /**
     * The keys a row change touches, for {@link RowChangeGrouper}; an insert's are read from its
     * primary key column, empty when the collection is not replicated (its changes are passed over).
     */
    private Optional<List<?>> primaryKeys(ChangeEvent change) throws InterruptedException {
        if (change instanceof ChangeEvent.Delete delete) {
            return Optional.of(RowBatcher.keysIn(delete.primaryKeys()));
        }
        ChangeEvent.Insert insert = (ChangeEvent.Insert) change;
        Optional<CollectionReplica> collection = catalog.ddl().collection(insert.collectionId());
        return collection.map(replica -> RowBatcher.primaryKeys(insert, replica.primaryKeyField));
    }

    /** A run of inserts into one partition; {@code keys} holds the primary keys of those already read. */
    private void insert(List<ChangeEvent.Insert> run, boolean replayed, Map<ChangeEvent, List<?>> keys)
            throws InterruptedException {
        ChangeEvent.Insert first = run.get(0);
        Optional<Destination> destination = catalog.destination(first.collectionId(), first.partitionId(),
                first.partitionName());
        if (destination.isEmpty()) {
            return;
        }
        String primaryKeyField = destination.get().collection().primaryKeyField;
        Function<ChangeEvent.Insert, List<?>> keysOf = insert -> {
            List<?> read = keys.get(insert);
            return read != null ? read : RowBatcher.primaryKeys(insert, primaryKeyField);
        };
        for (RowBatcher.JoinedInsert joined : batcher.joinInserts(run, keysOf)) {
            submit(destination.get(), joined.keys(), () -> write(destination.get(), joined.rows(), replayed));
        }
    }

    /** A run of deletes from one partition, or from every partition. */
    private void delete(List<ChangeEvent.Delete> run) throws InterruptedException {
        ChangeEvent.Delete first = run.get(0);
        Optional<Destination> destination = catalog.destination(first.collectionId(), first.partitionId(),
                first.partitionName());
        if (destination.isEmpty()) {
            return;
        }
        for (IDs keys : batcher.joinDeletes(run)) {
            submit(destination.get(), RowBatcher.keysIn(keys), () -> remove(destination.get(), keys));
        }
    }

    /**
     * Starts a call on a destination, holding it for the call's duration, so that a drop of the
     * collection or partition waits for the call; a destination dropped meanwhile takes no call.
     */
    private void submit(Destination destination, Collection<?> keys, CallPipeline.Call call)
            throws InterruptedException {
        if (!destination.enter()) {
            return;
        }
        try {
            calls.submit(destination.collection().sourceId, keys, () -> {
                try {
                    call.run();
                } finally {
                    destination.exit();
                }
            });
        } catch (InterruptedException | RuntimeException e) {
            destination.exit();
            throw e;
        }
    }

    /**
     * Inserts rows the target cannot hold yet; upserts them when it may: in a replay, and when
     * retrying a call whose first try may have reached the target before it failed. Inserts cost
     * a loaded target less than upserts, which also delete, and keep what the source keeps.
     */
    private void write(Destination to, ChangeEvent.Insert rows, boolean replayed) throws InterruptedException {
        CollectionReplica collection = to.collection();
        int count = (int) rows.rowCount();
        AtomicBoolean tried = new AtomicBoolean(replayed);
        boolean written = catalog.unlessDroppedOnSource(to, () -> retrier.run(
                "write " + count + " rows into " + collection, () -> {
                    if (tried.getAndSet(true)) {
                        writer.upsert(collection.database, collection.name, to.partitionName(), rows.columns(), count);
                    } else {
                        writer.insert(collection.database, collection.name, to.partitionName(), rows.columns(), count);
                    }
                }));
        if (written) {
            metrics.rowsReplicated(taskId, collection.sourceId, collection.name, "insert", count);
            metrics.dataSize(taskId, channel, "write", "insert", rows.serializedSize());
        }
    }

    private void remove(Destination from, IDs keys) throws InterruptedException {
        CollectionReplica collection = from.collection();
        long count = RowBatcher.keyCount(keys);
        boolean deleted = catalog.unlessDroppedOnSource(from, () -> retrier.run(
                "delete " + count + " rows from " + collection,
                () -> writer.delete(collection.database, collection.name, from.partitionName(), keys)));
        if (deleted) {
            metrics.rowsReplicated(taskId, collection.sourceId, collection.name, "delete", count);
            metrics.dataSize(taskId, channel, "write", "delete", keys.getSerializedSize());
        }
    }

    @Override
    public void close() {
        calls.close();
    }
}
