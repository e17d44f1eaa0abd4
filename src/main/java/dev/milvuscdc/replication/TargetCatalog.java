package dev.milvuscdc.replication;

import dev.milvuscdc.sink.TargetWriter;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.source.meta.DatabaseMeta;
import dev.milvuscdc.source.meta.PartitionMeta;
import dev.milvuscdc.source.meta.QualifiedName;
import dev.milvuscdc.source.meta.SourceMetadata;
import dev.milvuscdc.task.CollectionPattern;
import dev.milvuscdc.task.TaskScope;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which source databases, collections and partitions of a task's scope already exist on the
 * target, creating them on first use. Every data path goes through here before it writes, so a
 * collection is created on the target before its first row, whichever of the metadata watch, a
 * DML channel or the replicate channel meets it first. Thread-safe: one lock serializes creations
 * and drops, so a drop and a re-creation of the same name never interleave.
 */
final class TargetCatalog {

    private static final Logger log = LoggerFactory.getLogger(TargetCatalog.class);
    private static final String DEFAULT_PARTITION = "_default";

    private final SourceMetadata source;
    private final TargetWriter writer;
    private final List<CollectionPattern> scope;
    private final Retrier retrier;
    private final Map<Long, ReplicatedCollection> collections = new HashMap<>();
    private final Map<Long, String> databases = new HashMap<>();
    private final Set<String> partitions = new HashSet<>();
    /** Source collections the metadata does not describe, warned about once each. */
    private final Set<Long> unknown = new HashSet<>();

    TargetCatalog(SourceMetadata source, TargetWriter writer, List<CollectionPattern> scope, Retrier retrier) {
        this.source = source;
        this.writer = writer;
        this.scope = scope;
        this.retrier = retrier;
    }

    /** Creates on the target every database and collection of the scope that the source has now. */
    synchronized void createExisting() throws InterruptedException {
        for (DatabaseMeta db : source.databases()) {
            if (wholeDatabaseInScope(db.name())) {
                ensureDatabase(db);
            }
        }
        for (CollectionMeta collection : source.collections()) {
            Optional<ReplicatedCollection> created = ensure(collection.id());
            if (created.isPresent()) {
                for (PartitionMeta partition : source.partitions(collection.id())) {
                    ensurePartition(created.get(), partition.name());
                }
            }
        }
    }

    /** The target side of a source collection, created when missing; empty when out of scope or dropped. */
    synchronized Optional<ReplicatedCollection> ensure(long sourceCollectionId) throws InterruptedException {
        ReplicatedCollection known = collections.get(sourceCollectionId);
        if (known != null) {
            return Optional.of(known);
        }
        Optional<CollectionMeta> meta = source.collection(sourceCollectionId);
        if (meta.isEmpty()) {
            if (!source.describes(sourceCollectionId) && unknown.add(sourceCollectionId)) {
                log.warn("changes of source collection {} are passed over: the source's etcd does not describe it"
                        + " (dropped and garbage-collected before the task read them?)", sourceCollectionId);
            }
            return Optional.empty();
        }
        return create(meta.get());
    }

    synchronized Optional<ReplicatedCollection> ensure(String database, String collection) throws InterruptedException {
        if (!inScope(database, collection)) {
            return Optional.empty();
        }
        Optional<CollectionMeta> meta = source.collection(database, collection);
        return meta.isEmpty() ? Optional.empty() : ensure(meta.get().id());
    }

    synchronized void ensurePartition(ReplicatedCollection collection, String partition) throws InterruptedException {
        if (collection.partitionKey() || partition.isEmpty() || DEFAULT_PARTITION.equals(partition)
                || !partitions.add(collection.sourceId() + "/" + partition)) {
            return;
        }
        try {
            retrier.run("create partition " + collection + "/" + partition,
                    () -> writer.createPartition(collection.database(), collection.name(), partition));
        } catch (InterruptedException | RuntimeException e) {
            partitions.remove(collection.sourceId() + "/" + partition);
            throw e;
        }
    }

    synchronized void partitionCreated(long sourceCollectionId, String partition) throws InterruptedException {
        Optional<ReplicatedCollection> collection = ensure(sourceCollectionId);
        if (collection.isPresent()) {
            ensurePartition(collection.get(), partition);
        }
    }

    /** Makes a database of the scope exist on the target (for whole-database scopes). */
    synchronized void databaseCreated(DatabaseMeta db) throws InterruptedException {
        if (wholeDatabaseInScope(db.name())) {
            ensureDatabase(db);
        }
    }

    synchronized void databaseDropped(long databaseId) throws InterruptedException {
        String name = databases.remove(databaseId);
        if (name != null && !TaskScope.DEFAULT_DB.equals(name)) {
            retrier.run("drop database " + name, () -> writer.dropDatabase(name));
            log.info("dropped database {} on the target", name);
        }
    }

    /** The source dropped this collection: drop it on the target if the task had it there. */
    synchronized void collectionDropped(long sourceCollectionId) throws InterruptedException {
        ReplicatedCollection gone = collections.remove(sourceCollectionId);
        partitions.removeIf(key -> key.startsWith(sourceCollectionId + "/"));
        if (gone != null) {
            retrier.run("drop collection " + gone, () -> writer.dropCollection(gone.database(), gone.name()));
            log.info("dropped collection {} on the target", gone);
        }
    }

    /**
     * A drop read from the log. When this catalog has not seen the collection (it was dropped while
     * the task was stopped), its name comes from the Dropping record etcd keeps until Milvus's GC
     * runs, and it is dropped on the target only when no live source collection has that name now,
     * so that a replayed drop never removes a newer collection of the same name.
     */
    synchronized void collectionDroppedFromLog(long sourceCollectionId) throws InterruptedException {
        if (collections.containsKey(sourceCollectionId)) {
            collectionDropped(sourceCollectionId);
            return;
        }
        Optional<QualifiedName> name = source.droppedCollectionName(sourceCollectionId);
        if (name.isPresent() && inScope(name.get().database(), name.get().collection())
                && source.collection(name.get().database(), name.get().collection()).isEmpty()) {
            retrier.run("drop collection " + name.get(),
                    () -> writer.dropCollection(name.get().database(), name.get().collection()));
        }
    }

    synchronized void partitionDropped(long sourceCollectionId, String partition) throws InterruptedException {
        ReplicatedCollection collection = collections.get(sourceCollectionId);
        if (collection == null || collection.partitionKey() || DEFAULT_PARTITION.equals(partition)) {
            return;
        }
        partitions.remove(sourceCollectionId + "/" + partition);
        retrier.run("drop partition " + collection + "/" + partition,
                () -> writer.dropPartition(collection.database(), collection.name(), partition));
    }

    boolean inScope(String database, String collection) {
        return scope.stream().anyMatch(p -> p.matches(database, collection));
    }

    private Optional<ReplicatedCollection> create(CollectionMeta meta) throws InterruptedException {
        Optional<DatabaseMeta> db = source.database(meta.dbId());
        if (db.isEmpty() || !inScope(db.get().name(), meta.name())) {
            return Optional.empty();
        }
        ensureDatabase(db.get());
        ReplicatedCollection target = new ReplicatedCollection(meta.id(), db.get().name(), meta.name(), meta.hasPartitionKey(),
                meta.primaryKey().getName());
        int partitionCount = meta.hasPartitionKey() ? source.partitions(meta.id()).size() : 0;
        retrier.run("create collection " + target, () -> writer.createCollection(target.database(), target.name(),
                meta.schema(), meta.shardsNum(), meta.consistencyLevel(), meta.properties(), partitionCount));
        collections.put(meta.id(), target);
        log.info("collection {} (source id {}) exists on the target", target, meta.id());
        return Optional.of(target);
    }

    private void ensureDatabase(DatabaseMeta db) throws InterruptedException {
        if (databases.containsKey(db.id())) {
            return;
        }
        if (!TaskScope.DEFAULT_DB.equals(db.name())) {
            retrier.run("create database " + db.name(), () -> writer.createDatabase(db.name()));
        }
        databases.put(db.id(), db.name());
    }

    private boolean wholeDatabaseInScope(String database) {
        return scope.stream().anyMatch(p -> CollectionPattern.ANY.equals(p.collection()) && p.matches(database, CollectionPattern.ANY));
    }
}
