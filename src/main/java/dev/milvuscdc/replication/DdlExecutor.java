package dev.milvuscdc.replication;

import dev.milvuscdc.sink.CollectionDefinition;
import dev.milvuscdc.sink.ExistingCollection;
import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.sink.TargetWriter;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.source.meta.DatabaseMeta;
import dev.milvuscdc.source.meta.PartitionMeta;
import dev.milvuscdc.source.meta.QualifiedName;
import dev.milvuscdc.source.meta.SourceCatalog;
import java.util.Comparator;
import java.util.List;
import java.util.Collection;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and drops the target's databases and collections by the identity of the source objects
 * they copy ({@link IdentityMap}). Every data path asks here for the copy of a source collection
 * before it writes, so the copy exists before its first row, whichever of the metadata watch, a DML
 * channel or the replicate channel meets the collection first.
 *
 * <p>A target collection under a name the source gave to a new collection is the copy of the
 * dropped one: it is dropped, once the calls in flight on it are done, and the new copy created.
 * A target collection that this CDC did not make, or that copies a collection the source still
 * has, is a conflict only an operator can resolve: the task pauses with a reason naming it.
 *
 * <p>No lock covers more than one target name ({@link NamedLocks}), so a slow or retried call on
 * one collection never holds up the others. Partitions are in {@link PartitionCopies}.
 * Thread-safe.
 */
final class DdlExecutor {

    private static final Logger log = LoggerFactory.getLogger(DdlExecutor.class);

    private final SourceCatalog source;
    private final TargetWriter writer;
    private final Scope scope;
    private final Retrier retrier;
    private final IdentityMap identities;
    private final PartitionOwners partitionOwners;
    private final Consumer<CollectionMeta> collectionFound;
    private final NamedLocks locks = new NamedLocks();
    private final Set<String> ensuredDatabases = ConcurrentHashMap.newKeySet();
    private final Set<Long> warnedUnknown = ConcurrentHashMap.newKeySet();

    /** @param collectionFound told of every source collection the task copies, e.g. to read its channels */
    DdlExecutor(SourceCatalog source, TargetWriter writer, Scope scope, Retrier retrier, IdentityMap identities,
                PartitionOwners partitionOwners, Consumer<CollectionMeta> collectionFound) {
        this.source = source;
        this.writer = writer;
        this.scope = scope;
        this.retrier = retrier;
        this.identities = identities;
        this.partitionOwners = partitionOwners;
        this.collectionFound = collectionFound;
    }

    /**
     * Creates on the target every database and collection of the scope that the source has now,
     * oldest collection first, in the order the source created them (Milvus allocates collection
     * ids in increasing order). Which one comes first no longer decides where a shared channel is
     * read from ({@link StartPositions#firstRead}), but the target's collections are then made in
     * the source's order.
     */
    void createExisting(PartitionCopies partitions) throws InterruptedException {
        for (DatabaseMeta db : source.databases()) {
            databaseCreated(db.name());
        }
        List<CollectionMeta> oldestFirst = source.collections().stream()
                .sorted(Comparator.comparingLong(CollectionMeta::id)).toList();
        for (CollectionMeta meta : oldestFirst) {
            Optional<CollectionReplica> copy = collection(meta.id());
            if (copy.isPresent()) {
                for (PartitionMeta partition : source.partitions(meta.id())) {
                    if (PartitionCopies.isManaged(copy.get(), partition.name())) {
                        partitions.partition(copy.get(), partition.id(), partition.name());
                    }
                }
            }
        }
    }

    /**
     * The copy of a source collection, created on the target when missing; empty when the
     * collection is out of the task's scope or dropped on the source (its changes are passed over).
     */
    /** The copies made so far of the source collections that are not dropped. */
    Collection<CollectionReplica> copies() {
        return identities.liveCopies();
    }

    Optional<CollectionReplica> collection(long sourceId) throws InterruptedException {
        Optional<CollectionReplica> known = identities.live(sourceId);
        if (known.isPresent() || identities.passedOver(sourceId)) {
            return known;
        }
        Optional<CollectionMeta> meta = source.collection(sourceId);
        if (meta.isEmpty() && source.creating(sourceId)) {
            // Its default partition and its CreateCollection message come before its Created record.
            return Optional.empty();
        }
        if (meta.isEmpty()) {
            if (!source.describes(sourceId) && warnedUnknown.add(sourceId)) {
                log.warn("changes of source collection {} are passed over: the source's etcd does not describe it"
                        + " (dropped and garbage-collected before the task read them?)", sourceId);
            }
            identities.markDropped(sourceId);
            return Optional.empty();
        }
        Optional<String> db = source.database(meta.get().dbId()).map(DatabaseMeta::name);
        if (db.isEmpty() || !scope.covers(db.get(), meta.get().name())) {
            identities.markOutOfScope(sourceId);
            return Optional.empty();
        }
        return locks.withLock(db.get() + "." + meta.get().name(), () -> copyOf(meta.get(), db.get()));
    }

    private Optional<CollectionReplica> copyOf(CollectionMeta meta, String db) throws InterruptedException {
        Optional<CollectionReplica> known = identities.live(meta.id());
        if (known.isPresent() || identities.passedOver(meta.id())) {
            return known;
        }
        ensureDatabase(db);
        String name = meta.name();
        Optional<ExistingCollection> existing = retrier.call("look up collection " + db + "." + name + " on the target",
                () -> writer.existingCollection(db, name));
        int partitionCount = meta.hasPartitionKey() ? source.partitions(meta.id()).size() : 0;
        CollectionDefinition definition = new CollectionDefinition(meta.schema(), meta.shardsNum(), meta.consistencyLevel(),
                meta.properties(), partitionCount, meta.id(), meta.createTime());
        if (existing.isPresent() && existing.get().sourceCollectionId().isEmpty() && scope.handsOver(db, name)) {
            retrier.run("take over collection " + db + "." + name, () -> writer.adoptCollection(db, name, definition));
            log.info("collection {}.{} on the target, restored from a backup, is taken over as the copy of source collection {}",
                    db, name, meta.id());
        } else if (existing.isPresent() && !existing.get().copies(meta.id())) {
            dropStaleCopy(existing.get(), meta);
        }
        retrier.run("create collection " + db + "." + name, () -> writer.createCollection(db, name, definition));
        CollectionReplica copy = new CollectionReplica(meta.id(), db, name, meta.hasPartitionKey(), meta.primaryKey().getName());
        identities.put(copy);
        collectionFound.accept(meta);
        log.info("collection {}.{} (source id {}) is copied to the target", db, name, meta.id());
        return identities.live(meta.id());
    }

    /**
     * The target collection under the new collection's name copies another source collection: when
     * the source dropped that one, its copy is stale and goes; otherwise an operator must choose.
     */
    private void dropStaleCopy(ExistingCollection stale, CollectionMeta wanted) throws InterruptedException {
        String object = stale.database() + "." + stale.name();
        OptionalLong owner = stale.sourceCollectionId();
        if (owner.isEmpty()) {
            throw new PermanentTargetException("create collection", object, "the target already has a collection of"
                    + " that name that milvus-cdc did not create (it has no " + "source collection id property)",
                    "Drop or rename the target collection " + object + " (or leave it out of the task's scope), then resume the task");
        }
        if (source.collection(owner.getAsLong()).isPresent()) {
            throw new PermanentTargetException("create collection", object, "the target collection of that name is the copy"
                    + " of source collection " + owner.getAsLong() + ", which the source still has (renamed on the source?),"
                    + " not of source collection " + wanted.id(),
                    "Drop or rename the target collection " + object + ", then resume the task");
        }
        log.info("collection {} on the target copies source collection {}, which the source dropped; the new source"
                + " collection {} of that name replaces it", object, owner.getAsLong(), wanted.id());
        dropCopy(stale.database(), stale.name(), owner.getAsLong());
    }

    /**
     * The source dropped this collection (told by the log or etcd): its changes are passed over from
     * now on, and its copy is dropped once the calls in flight on it are done.
     *
     * @param nameHint the collection's name, from the log's drop message, for finding a copy this run never met
     */
    void collectionDropped(long sourceId, String nameHint) throws InterruptedException {
        Optional<CollectionReplica> live = identities.live(sourceId);
        if (!identities.markCopyDropped(sourceId)) {
            return;
        }
        Optional<QualifiedName> where = live.map(c -> new QualifiedName(c.database, c.name))
                .or(() -> source.droppedCollectionName(sourceId));
        if (where.isEmpty()) {
            where = findCopy(sourceId, nameHint);
        }
        if (where.isEmpty() || !scope.covers(where.get().database(), where.get().collection())) {
            identities.markDropped(sourceId);
            return;
        }
        QualifiedName copy = where.get();
        locks.withLock(copy.toString(), () -> {
            dropCopy(copy.database(), copy.collection(), sourceId);
            return null;
        });
    }

    private void dropCopy(String db, String name, long sourceId) throws InterruptedException {
        Optional<CollectionReplica> live = identities.markDropped(sourceId);
        identities.markCopyDropped(sourceId);
        if (live.isPresent()) {
            live.get().calls.retire();
        }
        boolean dropped = retrier.call("drop collection " + db + "." + name, () -> writer.dropCollection(db, name, sourceId));
        partitionOwners.forgetCollection(db, name);
        if (dropped) {
            log.info("dropped collection {}.{} on the target: the source dropped collection {}", db, name, sourceId);
        }
    }

    /** Where the copy of a collection this run never met is, when etcd no longer says: asked of the target. */
    private Optional<QualifiedName> findCopy(long sourceId, String name) throws InterruptedException {
        if (name == null || name.isEmpty()) {
            return Optional.empty();
        }
        for (String db : retrier.call("list databases on the target", writer::databases)) {
            if (scope.covers(db, name) && retrier.call("look up collection " + db + "." + name + " on the target",
                    () -> writer.existingCollection(db, name)).filter(c -> c.copies(sourceId)).isPresent()) {
                return Optional.of(new QualifiedName(db, name));
            }
        }
        return Optional.empty();
    }

    /** A database the source created: made on the target when the task copies all of it. */
    void databaseCreated(String name) throws InterruptedException {
        if (scope.coversWholeDatabase(name) && source.hasDatabase(name)) {
            ensureDatabase(name);
        }
    }

    /**
     * The source dropped a database, so it dropped its collections before: their copies go, and the
     * target database too once nothing is left in it. A database created again under the name
     * since, or a target database that holds collections this CDC did not make, stays.
     */
    void databaseDropped(String name) throws InterruptedException {
        if (Scope.DEFAULT_DB.equals(name) || !scope.coversAnyOf(name) || source.hasDatabase(name)) {
            return;
        }
        for (ExistingCollection copy : retrier.call("list collections of " + name + " on the target",
                () -> writer.collections(name))) {
            OptionalLong owner = copy.sourceCollectionId();
            if (owner.isPresent() && source.collection(owner.getAsLong()).isEmpty()) {
                collectionDropped(owner.getAsLong(), copy.name());
            }
        }
        if (!retrier.call("list collections of " + name + " on the target", () -> writer.collections(name)).isEmpty()) {
            log.warn("left database {} on the target after the source dropped it: it holds collections milvus-cdc did"
                    + " not create", name);
            return;
        }
        retrier.run("drop database " + name, () -> writer.dropDatabase(name));
        ensuredDatabases.remove(name);
        log.info("dropped database {} on the target", name);
    }

    private void ensureDatabase(String db) throws InterruptedException {
        if (!Scope.DEFAULT_DB.equals(db) && !ensuredDatabases.contains(db)) {
            retrier.run("create database " + db, () -> writer.createDatabase(db));
            ensuredDatabases.add(db);
        }
    }
}
