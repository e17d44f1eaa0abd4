package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import dev.milvuscdc.sink.CollectionDefinition;
import dev.milvuscdc.sink.ExistingCollection;
import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.sink.TargetObjectMissingException;
import dev.milvuscdc.sink.TargetWriter;
import io.milvus.grpc.IDs;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A target Milvus in memory: databases, collections with the source id they copy, partitions with
 * the primary keys they hold. Every call is logged; a test may run code inside a call (to hold it
 * in flight) or make the next calls fail.
 */
final class FakeTarget implements TargetWriter {

    /** One collection: the source id it copies (empty when not made by the CDC) and its partitions' keys. */
    static final class Collection {
        volatile OptionalLong sourceId;
        final Map<String, Set<Long>> partitions = new LinkedHashMap<>();

        Collection(OptionalLong sourceId) {
            this.sourceId = sourceId;
            partitions.put("_default", new TreeSet<>());
        }

        synchronized Set<Long> keys() {
            Set<Long> all = new TreeSet<>();
            partitions.values().forEach(all::addAll);
            return all;
        }
    }

    final List<String> calls = new CopyOnWriteArrayList<>();
    private final Set<String> databases = new HashSet<>(Set.of("default"));
    private final Map<String, Collection> collections = new LinkedHashMap<>();
    private volatile Consumer<String> duringCall = call -> { };
    private volatile int dataNodeId = 1;
    private volatile long proxyId = 1;
    private final AtomicInteger dataNodeQuestions = new AtomicInteger();

    /** Runs {@code action} inside every later call, with the call's description (e.g. {@code insert db.c/p [1, 2]}). */
    void duringCalls(Consumer<String> action) {
        duringCall = action;
    }

    /** One data node of the target restarts, as in a cluster: it gets a new id, as Milvus gives every process start. */
    void restartDataNode() {
        dataNodeId++;
    }

    /** The whole target restarts, as a standalone Milvus does: its proxy gets a new id too. */
    void restartStandalone() {
        dataNodeId++;
        proxyId++;
    }

    /** How often the task asked for the data nodes, a question a target that just started may crash on. */
    int dataNodeQuestions() {
        return dataNodeQuestions.get();
    }

    @Override
    public Optional<String> dataNodes() {
        dataNodeQuestions.incrementAndGet();
        return Optional.of("datanode" + dataNodeId);
    }

    @Override
    public Optional<Long> proxyId() {
        duringCall.accept("proxy id");
        return Optional.of(proxyId);
    }

    /** A collection made by someone else (no source id), or a copy of {@code sourceId}. */
    synchronized void existing(String db, String name, OptionalLong sourceId) {
        databases.add(db);
        collections.put(db + "." + name, new Collection(sourceId));
    }

    synchronized Optional<Collection> collection(String db, String name) {
        return Optional.ofNullable(collections.get(db + "." + name));
    }

    /** A row with this key in the partition, as a write through the target's API leaves it. */
    synchronized void putRow(String db, String name, String partition, long key) {
        collections.get(db + "." + name).partitions.get(partition).add(key);
    }

    synchronized void dropByHand(String db, String name) {
        collections.remove(db + "." + name);
    }

    private void called(String call) {
        calls.add(call);
        duringCall.accept(call);
    }

    @Override
    public synchronized void createDatabase(String db) {
        called("create database " + db);
        databases.add(db);
    }

    @Override
    public synchronized void dropDatabase(String db) {
        called("drop database " + db);
        databases.remove(db);
    }

    @Override
    public synchronized List<String> databases() {
        return List.copyOf(databases);
    }

    @Override
    public synchronized void createCollection(String db, String name, CollectionDefinition definition) {
        Collection existing = collections.get(db + "." + name);
        if (existing != null) {
            if (existing.sourceId.orElse(-1) != definition.sourceCollectionId()) {
                throw new PermanentTargetException("create collection", db + "." + name, "exists as another copy", "drop it");
            }
            return;
        }
        called("create collection " + db + "." + name + " of " + definition.sourceCollectionId());
        collections.put(db + "." + name, new Collection(OptionalLong.of(definition.sourceCollectionId())));
    }

    @Override
    public synchronized void adoptCollection(String db, String name, CollectionDefinition definition) {
        called("take over " + db + "." + name + " as " + definition.sourceCollectionId());
        require(db, name, "take over").sourceId = OptionalLong.of(definition.sourceCollectionId());
    }

    @Override
    public synchronized Optional<ExistingCollection> existingCollection(String db, String name) {
        return collection(db, name).map(c -> new ExistingCollection(db, name, c.sourceId));
    }

    @Override
    public synchronized List<ExistingCollection> collections(String db) {
        List<ExistingCollection> found = new ArrayList<>();
        collections.forEach((key, c) -> {
            if (key.startsWith(db + ".")) {
                found.add(new ExistingCollection(db, key.substring(db.length() + 1), c.sourceId));
            }
        });
        return found;
    }

    @Override
    public synchronized boolean dropCollection(String db, String name, long sourceCollectionId) {
        Collection existing = collections.get(db + "." + name);
        if (existing == null || existing.sourceId.orElse(-1) != sourceCollectionId) {
            return false;
        }
        called("drop collection " + db + "." + name);
        collections.remove(db + "." + name);
        return true;
    }

    @Override
    public synchronized void createPartition(String db, String collection, String partition) {
        Collection c = require(db, collection, "create partition");
        if (!c.partitions.containsKey(partition)) {
            called("create partition " + db + "." + collection + "/" + partition);
            c.partitions.put(partition, new TreeSet<>());
        }
    }

    @Override
    public synchronized void dropPartition(String db, String collection, String partition) {
        Collection c = require(db, collection, "drop partition");
        if (c.partitions.remove(partition) != null) {
            called("drop partition " + db + "." + collection + "/" + partition);
        }
    }

    @Override
    public void upsert(String db, String collection, String partition, List<EncodedColumn> columns, int numRows) {
        write("upsert", db, collection, partition, columns);
    }

    @Override
    public void insert(String db, String collection, String partition, List<EncodedColumn> columns, int numRows) {
        write("insert", db, collection, partition, columns);
    }

    private void write(String kind, String db, String collection, String partition, List<EncodedColumn> columns) {
        List<Long> keys = columns.stream().filter(c -> c.name().equals("id")).findFirst().orElseThrow()
                .decode().getScalars().getLongData().getDataList();
        String where = partition == null ? "_default" : partition;
        called(kind + " " + db + "." + collection + "/" + where + " " + keys);
        synchronized (this) {
            Set<Long> rows = require(db, collection, kind).partitions.get(where);
            if (rows == null) {
                throw new TargetObjectMissingException(kind, db + "." + collection, "partition not found[" + where + "]", true);
            }
            rows.addAll(keys);
        }
    }

    @Override
    public void delete(String db, String collection, String partition, IDs primaryKeys) {
        called("delete " + db + "." + collection + "/" + (partition == null ? "*" : partition) + " "
                + primaryKeys.getIntId().getDataList());
        synchronized (this) {
            Collection c = require(db, collection, "delete");
            c.partitions.forEach((name, rows) -> {
                if (partition == null || partition.equals(name)) {
                    rows.removeAll(primaryKeys.getIntId().getDataList());
                }
            });
        }
    }

    @Override
    public void createIndex(String db, ChangeEvent.IndexCreated index) {
        called("create index " + db + "." + index.collection());
    }

    @Override
    public void dropIndex(String db, ChangeEvent.IndexDropped index) {
        called("drop index " + db + "." + index.collection());
    }

    @Override
    public void loadCollection(String db, ChangeEvent.CollectionLoaded load) {
        called("load " + db + "." + load.collection());
    }

    @Override
    public void releaseCollection(String db, String collection) {
        called("release " + db + "." + collection);
    }

    @Override
    public void flush(String db, List<String> collections) {
        called("flush " + db + "." + collections);
    }

    private synchronized Collection require(String db, String collection, String operation) {
        Collection c = collections.get(db + "." + collection);
        if (c == null) {
            throw new TargetObjectMissingException(operation, db + "." + collection, "collection not found", false);
        }
        return c;
    }
}
