package dev.milvuscdc.replication;

import com.google.protobuf.ByteString;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.source.meta.DatabaseMeta;
import dev.milvuscdc.source.meta.PartitionMeta;
import dev.milvuscdc.source.meta.QualifiedName;
import dev.milvuscdc.source.meta.SourceCatalog;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldSchema;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A source cluster's metadata in memory, changed by the test as a Milvus would change its etcd. */
final class FakeSource implements SourceCatalog {

    private final Map<Long, DatabaseMeta> databases = new HashMap<>();
    private final Map<Long, String> databaseNames = new HashMap<>();
    private final Map<Long, CollectionMeta> collections = new HashMap<>();
    private final Map<Long, CollectionMeta> dropped = new HashMap<>();
    private final Map<Long, PartitionMeta> partitions = new HashMap<>();
    private final Set<Long> known = new HashSet<>();
    private final Map<Long, CollectionMeta> beingCreated = new HashMap<>();

    FakeSource() {
        database(1, "default");
    }

    synchronized FakeSource database(long id, String name) {
        databases.put(id, new DatabaseMeta(id, name));
        databaseNames.put(id, name);
        return this;
    }

    synchronized void dropDatabase(long id) {
        databases.remove(id);
    }

    /**
     * A collection of one int64 key and one vector, created at {@code createTime}, with its default
     * partition, on channel {@code dml_<id % 4>} where its first message is message {@code 7}.
     */
    synchronized CollectionMeta collection(long id, long dbId, String name, long createTime) {
        return collection(id, dbId, name, createTime, "7");
    }

    /** As {@link #collection(long, long, String, long)}, with its first message on its channel named. */
    synchronized CollectionMeta collection(long id, long dbId, String name, long createTime, String firstMessage) {
        CollectionSchema schema = CollectionSchema.newBuilder().setName(name)
                .addFields(FieldSchema.newBuilder().setFieldID(100).setName("id").setDataType(DataType.Int64).setIsPrimaryKey(true))
                .addFields(FieldSchema.newBuilder().setFieldID(101).setName("vec").setDataType(DataType.FloatVector))
                .build();
        String channel = "dml_" + (id % 4);
        CollectionMeta meta = new CollectionMeta(id, dbId, name, schema, 1, ConsistencyLevel.Bounded, List.of(), List.of(),
                List.of(channel), Map.of(channel, ByteString.copyFromUtf8(firstMessage)), createTime, false);
        collections.put(id, meta);
        known.add(id);
        partition(id * 10, id, "_default");
        return meta;
    }

    /** As {@link #collection}, with its record still saying Creating: not live until {@link #created}. */
    synchronized CollectionMeta creatingCollection(long id, long dbId, String name, long createTime) {
        CollectionMeta meta = collection(id, dbId, name, createTime);
        beingCreated.put(id, collections.remove(id));
        return meta;
    }

    synchronized void created(long id) {
        collections.put(id, beingCreated.remove(id));
    }

    synchronized void dropCollection(long id) {
        CollectionMeta meta = collections.remove(id);
        if (meta != null) {
            dropped.put(id, meta);
        }
    }

    synchronized PartitionMeta partition(long id, long collectionId, String name) {
        PartitionMeta meta = new PartitionMeta(id, collectionId, name, PartitionMeta.State.CREATED);
        partitions.put(id, meta);
        return meta;
    }

    synchronized void dropPartition(long id) {
        partitions.remove(id);
    }

    @Override
    public synchronized Optional<DatabaseMeta> database(long id) {
        return Optional.ofNullable(databases.get(id));
    }

    @Override
    public synchronized List<DatabaseMeta> databases() {
        return List.copyOf(databases.values());
    }

    @Override
    public synchronized Optional<String> databaseName(long databaseId) {
        return Optional.ofNullable(databaseNames.get(databaseId));
    }

    @Override
    public synchronized boolean hasDatabase(String name) {
        return databases.values().stream().anyMatch(db -> db.name().equals(name));
    }

    @Override
    public synchronized List<CollectionMeta> collections() {
        return List.copyOf(collections.values());
    }

    @Override
    public synchronized Optional<CollectionMeta> collection(long id) {
        return Optional.ofNullable(collections.get(id));
    }

    @Override
    public synchronized Optional<CollectionMeta> collectionAt(String databaseName, String collectionName, long timestamp) {
        return collections.values().stream()
                .filter(c -> c.name().equals(collectionName) && c.createTime() <= timestamp)
                .filter(c -> databaseName.equals(databaseNames.get(c.dbId())))
                .findFirst();
    }

    @Override
    public synchronized Optional<QualifiedName> droppedCollectionName(long collectionId) {
        CollectionMeta meta = dropped.get(collectionId);
        return meta == null ? Optional.empty() : Optional.of(new QualifiedName(databaseNames.get(meta.dbId()), meta.name()));
    }

    /** Forgets a dropped collection's record, as Milvus's garbage collection does. */
    synchronized void collectGarbage(long collectionId) {
        dropped.remove(collectionId);
        known.remove(collectionId);
    }

    @Override
    public synchronized boolean describes(long collectionId) {
        return known.contains(collectionId);
    }

    @Override
    public synchronized boolean creating(long collectionId) {
        return beingCreated.containsKey(collectionId);
    }

    @Override
    public synchronized List<PartitionMeta> partitions(long collectionId) {
        List<PartitionMeta> live = new ArrayList<>();
        partitions.values().stream().filter(p -> p.collectionId() == collectionId).forEach(live::add);
        return live;
    }

    @Override
    public synchronized Optional<PartitionMeta> livePartition(long collectionId, long partitionId) {
        return Optional.ofNullable(partitions.get(partitionId)).filter(p -> p.collectionId() == collectionId);
    }

    @Override
    public void close() {
    }

    @Override
    public synchronized Optional<PartitionMeta> livePartitionNamed(long collectionId, String name) {
        return partitions.values().stream().filter(p -> p.collectionId() == collectionId && p.name().equals(name)).findFirst();
    }
}
