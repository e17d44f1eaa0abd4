package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.sink.TargetWriter;
import dev.milvuscdc.snapshot.KeyCursor;
import dev.milvuscdc.snapshot.SnapshotProgress.CollectionStart;
import dev.milvuscdc.snapshot.SnapshotProgress.PartitionState;
import dev.milvuscdc.snapshot.SnapshotProgress;
import dev.milvuscdc.snapshot.SnapshotReadException;
import dev.milvuscdc.snapshot.SourceQueries;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.source.meta.SourceCatalog;
import io.milvus.grpc.DataType;
import io.milvus.grpc.IndexDescription;
import io.milvus.grpc.KeyValuePair;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The initial copy of a task with {@code snapshot: "initial"}: every collection of the scope that
 * the source has, partition by partition, in pages of primary keys read from the source Milvus and
 * written as upserts through the stream's own applier (its batching and calls in flight), then its
 * indexes (same names and parameters) and its load state. It runs after the channels' positions
 * were recorded and before they are read: the stream then applies every change after them, inserts
 * as upserts, so whatever a page read while writes went on ends as the source has it.
 *
 * <p>Progress is stored per partition after the target acknowledged the page ({@link SnapshotProgress}),
 * so a restart continues after the last key stored; after a target outage it continues from where
 * it stood minutes before ({@link CopyProgress}). A collection that is not loaded on the source
 * is loaded for its copy (Milvus 2.3.5 queries only loaded collections) and released after it.
 */
final class InitialCopy {

    private static final Logger log = LoggerFactory.getLogger(InitialCopy.class);
    private static final int FIRST_PAGE_ROWS = 1_000;
    // Milvus 2.3's quota.maxQueryResultWindow: offset + limit of one query.
    private static final int MAX_PAGE_ROWS = 16_384;
    private static final int MIN_PAGE_ROWS = 100;
    private static final long PAGE_BYTES = 8L * 1024 * 1024;
    /** The progress key of a collection copied as a whole: no partition has a negative id. */
    private static final long WHOLE_COLLECTION = -1;

    private final String taskId;
    private final SourceCatalog source;
    private final TargetCatalog catalog;
    private final SourceQueries queries;
    private final ChangeApplier applier;
    private final TargetWriter writer;
    private final Retrier retrier;
    private final CdcMetrics metrics;
    private final CopyProgress progress;

    InitialCopy(String taskId, SourceCatalog source, TargetCatalog catalog, SourceQueries queries, ChangeApplier applier,
                TargetWriter writer, Retrier retrier, CdcMetrics metrics, CopyProgress progress) {
        this.taskId = taskId;
        this.source = source;
        this.catalog = catalog;
        this.queries = queries;
        this.applier = applier;
        this.writer = writer;
        this.retrier = retrier;
        this.metrics = metrics;
        this.progress = progress;
    }

    /** Copies every collection of the scope not copied yet, then marks the copy done. */
    void run() throws InterruptedException {
        List<CollectionMeta> collections = source.collections().stream()
                .sorted(Comparator.comparingLong(CollectionMeta::id)).toList();
        for (CollectionMeta meta : collections) {
            if (progress.current().collectionFinished(meta.id())) {
                continue;
            }
            Optional<CollectionReplica> copy = catalog.ddl().collection(meta.id());
            if (copy.isPresent()) {
                copyCollection(meta, copy.get());
            }
        }
        save(SnapshotProgress.doneEntry());
    }

    private void copyCollection(CollectionMeta meta, CollectionReplica copy) throws InterruptedException {
        String db = copy.database;
        String name = copy.name;
        try {
            // Allocated after the stream's positions were recorded (create), so that reads seeing
            // every write before it see every write before those positions.
            long seenAt = retrier.call("allocate a timestamp on the source", queries::timestamp);
            CollectionStart start = started(meta, copy, seenAt);
            ensureLoadedOnSource(db, name);
            long began = System.nanoTime();
            CopyTimes times = new CopyTimes();
            long copiedBefore = progress.current().rowsCopied(meta.id());
            log.info("initial copy of {}.{} (source id {}) started: {} rows on the source at the start, {} copied before",
                    db, name, meta.id(), start.rowsAtStart(), copiedBefore);
            DataType keyType = meta.primaryKey().getDataType();
            for (Unit unit : units(meta)) {
                copyUnit(meta, copy, unit, keyType, seenAt, times);
            }
            copyIndexes(db, name);
            if (start.wasLoaded()) {
                int replicas = retrier.call("get the replicas of " + db + "." + name + " on the source",
                        () -> queries.replicas(db, name));
                retrier.run("load " + copy + " on the target",
                        () -> writer.loadCollection(db, new ChangeEvent.CollectionLoaded(db, name, replicas, 0)));
            } else {
                retrier.run("release " + db + "." + name + " on the source after its copy", () -> queries.release(db, name));
            }
            long rows = progress.current().rowsCopied(meta.id()) - copiedBefore;
            double seconds = Math.max(1e-3, (System.nanoTime() - began) / 1e9);
            log.info("initial copy of {}.{} finished: {} rows in {} s ({} rows/s; {}), {} in all", db, name, rows,
                    String.format("%.1f", seconds), Math.round(rows / seconds), times, progress.current().rowsCopied(meta.id()));
        } catch (SnapshotReadException e) {
            if (!e.missing() || source.collection(meta.id()).isPresent()) {
                throw e;
            }
            log.info("initial copy of {}.{} passed over: the source dropped the collection ({})", db, name, e.getMessage());
        }
        save(SnapshotProgress.collectionFinishedEntry(meta.id()));
    }

    /** What the collection held and whether it was loaded when its copy began: recorded once, kept across restarts. */
    private CollectionStart started(CollectionMeta meta, CollectionReplica copy, long seenAt) throws InterruptedException {
        Optional<CollectionStart> known = progress.current().collection(meta.id());
        if (known.isPresent()) {
            return known.get();
        }
        String db = copy.database;
        boolean wasLoaded = retrier.call("get the load state of " + db + "." + copy.name + " on the source",
                () -> queries.loaded(db, copy.name));
        ensureLoadedOnSource(db, copy.name);
        long rows = 0;
        for (Unit unit : units(meta)) {
            rows += retrier.call("count the rows of " + db + "." + copy.name + " on the source",
                    () -> queries.count(db, copy.name, unit.partitionName(), seenAt));
        }
        CollectionStart start = new CollectionStart(db + "." + copy.name, rows, wasLoaded);
        save(SnapshotProgress.collectionEntry(meta.id(), start));
        return start;
    }

    /** Milvus 2.3.5 queries loaded collections only; one that cannot be loaded (no index) stops the copy with a reason. */
    private void ensureLoadedOnSource(String db, String name) throws InterruptedException {
        if (retrier.call("get the load state of " + db + "." + name + " on the source", () -> queries.loaded(db, name))) {
            return;
        }
        try {
            retrier.run("load " + db + "." + name + " on the source for its copy", () -> queries.load(db, name));
            log.info("loaded {}.{} on the source for its initial copy; it is released after it", db, name);
        } catch (SnapshotReadException e) {
            if (e.missing()) {
                throw e;
            }
            throw new SnapshotReadException("initial copy of " + db + "." + name + ": the collection is not loaded on the"
                    + " source and cannot be loaded for its copy (" + e.getMessage() + "); index its vector fields on the"
                    + " source (Milvus 2.3 loads only indexed collections), then resume the task", e, false, false);
        }
    }

    /**
     * What a collection is copied by: each partition, so that every row lands in its own; a
     * collection with a partition key as a whole (Milvus routes its rows by the key, and 2.3.5
     * refuses partition names on its queries).
     */
    private List<Unit> units(CollectionMeta meta) {
        if (meta.hasPartitionKey()) {
            return List.of(new Unit(WHOLE_COLLECTION, null));
        }
        return source.partitions(meta.id()).stream().map(p -> new Unit(p.id(), p.name())).toList();
    }

    /** A partition, or the whole collection ({@link #WHOLE_COLLECTION}, no name). */
    private record Unit(long id, String partitionName) {
        @Override
        public String toString() {
            return partitionName == null ? "(all partitions)" : "partition " + partitionName;
        }
    }

    private void copyUnit(CollectionMeta meta, CollectionReplica copy, Unit partition, DataType keyType, long seenAt,
                          CopyTimes times) throws InterruptedException {
        PartitionState state = progress.current().partition(meta.id(), partition.id());
        if (state.finished()) {
            return;
        }
        String db = copy.database;
        String keyField = meta.primaryKey().getName();
        KeyCursor cursor = progress.current().cursor(meta.id(), partition.id(), keyType);
        long copied = state.rowsCopied();
        int limit = FIRST_PAGE_ROWS;
        Deque<Pending> pending = new ArrayDeque<>();
        try {
            while (true) {
                KeyCursor after = cursor;
                int pageRows = limit;
                long reading = System.nanoTime();
                SourceQueries.Page page = retrier.call("read rows of " + db + "." + copy.name + " " + partition
                        + " on the source", () -> queries.page(db, copy.name, partition.partitionName(), keyField,
                        after, pageRows, seenAt));
                times.read(reading, page.rows());
                if (page.rows() == 0) {
                    break;
                }
                long writing = System.nanoTime();
                long call = applier.applyCopied(new ChangeEvent.Insert(meta.id(), partition.id(), partition.partitionName(),
                        page.rows(), 0, page.columns()));
                times.handedOver(writing);
                copied += page.rows();
                cursor = page.next();
                pending.add(new Pending(call, new PartitionState(cursor.encoded(), copied, false), page.rows()));
                saveAcknowledged(meta.id(), copy, partition.id(), pending);
                limit = nextLimit(page);
            }
        } catch (SnapshotReadException e) {
            if (!e.missing() || partition.partitionName() == null || source.livePartition(meta.id(), partition.id()).isPresent()) {
                throw e;
            }
            log.info("initial copy of partition {} of {} passed over: the source dropped it", partition.partitionName(), copy);
        }
        long draining = System.nanoTime();
        applier.awaitCalls();
        times.handedOver(draining);
        saveAcknowledged(meta.id(), copy, partition.id(), pending);
        save(SnapshotProgress.partitionEntry(meta.id(), partition.id(), new PartitionState(cursor.encoded(), copied, true)));
    }

    /** Stores the state after the last page whose rows the target holds, with every page before it. */
    private void saveAcknowledged(long collectionId, CollectionReplica copy, long partitionId, Deque<Pending> pending)
            throws InterruptedException {
        long completed = applier.completedThrough();
        Pending last = null;
        long rows = 0;
        while (!pending.isEmpty() && pending.peek().lastCall() <= completed) {
            last = pending.poll();
            rows += last.rows();
        }
        if (last != null) {
            save(SnapshotProgress.partitionEntry(collectionId, partitionId, last.state()));
            metrics.snapshotRows(taskId, copy.name, rows);
        }
    }

    /** Pages of about {@link #PAGE_BYTES}, as the rows read so far measure. */
    private static int nextLimit(SourceQueries.Page page) {
        long bytesPerRow = Math.max(1, page.bytes() / page.rows());
        return (int) Math.max(MIN_PAGE_ROWS, Math.min(MAX_PAGE_ROWS, PAGE_BYTES / bytesPerRow));
    }

    private void copyIndexes(String db, String name) throws InterruptedException {
        List<IndexDescription> indexes = retrier.call("describe the indexes of " + db + "." + name + " on the source",
                () -> queries.indexes(db, name));
        for (IndexDescription index : indexes) {
            Map<String, String> params = new LinkedHashMap<>();
            for (KeyValuePair pair : index.getParamsList()) {
                params.put(pair.getKey(), pair.getValue());
            }
            ChangeEvent.IndexCreated created = new ChangeEvent.IndexCreated(db, name, index.getFieldName(),
                    index.getIndexName(), params, 0);
            retrier.run("create index " + index.getIndexName() + " on " + db + "." + name, () -> writer.createIndex(db, created));
        }
    }

    private void save(Map<String, String> entries) throws InterruptedException {
        retrier.run("store the initial copy's progress", () -> progress.save(entries));
    }

    /** A page handed to the applier: its last target call, and the partition's state once it is written. */
    private record Pending(long lastCall, PartitionState state, long rows) {
    }
}
