package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.sink.TargetWriter;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.source.meta.SourceCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Index, load, release and flush requests of the replicate channel. They name a collection by
 * database and name, and a name may belong to another collection by now: a request applies to the
 * collection that had the name when it was made (the live one created no later than the request),
 * and is passed over when that collection is gone.
 */
final class CollectionOperations {

    private static final Logger log = LoggerFactory.getLogger(CollectionOperations.class);

    private final SourceCatalog source;
    private final DdlExecutor ddl;
    private final TargetWriter writer;
    private final Retrier retrier;
    private final CdcMetrics metrics;
    private final String taskId;

    CollectionOperations(SourceCatalog source, DdlExecutor ddl, TargetWriter writer, Retrier retrier, CdcMetrics metrics,
                         String taskId) {
        this.source = source;
        this.ddl = ddl;
        this.writer = writer;
        this.retrier = retrier;
        this.metrics = metrics;
        this.taskId = taskId;
    }

    void apply(ChangeEvent.CollectionOperation operation) throws InterruptedException {
        Optional<CollectionReplica> copy = copyAt(operation.getClass().getSimpleName(), operation.database(),
                operation.collection(), operation.timestamp());
        if (copy.isEmpty() || !copy.get().calls.enter()) {
            return;
        }
        try {
            String db = copy.get().database;
            if (operation instanceof ChangeEvent.IndexCreated index) {
                run("create index", copy.get(), () -> writer.createIndex(db, index));
            } else if (operation instanceof ChangeEvent.IndexDropped index) {
                run("drop index", copy.get(), () -> writer.dropIndex(db, index));
            } else if (operation instanceof ChangeEvent.CollectionLoaded load) {
                run("load", copy.get(), () -> writer.loadCollection(db, load));
            } else if (operation instanceof ChangeEvent.CollectionReleased) {
                run("release", copy.get(), () -> writer.releaseCollection(db, copy.get().name));
            }
        } finally {
            copy.get().calls.exit();
        }
    }

    void flush(ChangeEvent.Flushed flush) throws InterruptedException {
        List<CollectionReplica> entered = new ArrayList<>();
        try {
            for (String name : flush.collections()) {
                Optional<CollectionReplica> copy = copyAt("Flushed", flush.database(), name, flush.timestamp());
                if (copy.isPresent() && copy.get().calls.enter()) {
                    entered.add(copy.get());
                }
            }
            if (!entered.isEmpty()) {
                List<String> names = entered.stream().map(c -> c.name).toList();
                retrier.run("flush " + flush.database() + "." + names, () -> writer.flush(flush.database(), names));
                metrics.apiExecuted(taskId, "flush");
            }
        } finally {
            entered.forEach(c -> c.calls.exit());
        }
    }

    /** The copy of the collection that had the name at {@code timestamp}; a request without one is logged as passed over. */
    private Optional<CollectionReplica> copyAt(String request, String database, String name, long timestamp)
            throws InterruptedException {
        Optional<CollectionMeta> meta = source.collectionAt(database, name, timestamp);
        if (meta.isEmpty()) {
            log.warn("task {}: {} of {}.{} at source time {} passed over: the source has no live collection of that name"
                    + " created before it (dropped since?)", taskId, request, database, name, timestamp);
            return Optional.empty();
        }
        return ddl.collection(meta.get().id());
    }

    private void run(String what, CollectionReplica copy, Retrier.VoidAction action) throws InterruptedException {
        retrier.run(what + " on " + copy, action);
        metrics.apiExecuted(taskId, what.replace(' ', '_'));
    }
}
