package dev.milvuscdc.source.meta;

import com.google.protobuf.InvalidProtocolBufferException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.milvus.grpc.FieldSchema;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source cluster's databases, collections and partitions, read from its etcd: listed once when
 * opened, then kept current by a watch from the listed revision on. Thread-safe: the watch thread
 * applies changes under this object's lock and then hands each change to the listener.
 */
public final class SourceMetadata implements SourceCatalog, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SourceMetadata.class);
    private static final Duration ETCD_TIMEOUT = Duration.ofSeconds(10);

    private final Client client;
    private final String prefix;
    private final Consumer<MetaChange> listener;
    private final Map<Long, DatabaseMeta> databases = new HashMap<>();
    /** The names of every database seen, dropped ones included: a drop's record carries only its id. */
    private final Map<Long, String> databaseNames = new HashMap<>();
    private final Map<Long, CollectionMeta> collections = new HashMap<>();
    private final Map<Long, Map<Long, FieldSchema>> fields = new HashMap<>();
    /** Partitions that are being created or exist, by collection and id. */
    private final Map<Long, Map<Long, PartitionMeta>> partitions = new HashMap<>();
    private final Set<Long> droppedPartitions = new HashSet<>();
    private final Set<Long> droppedCollections = new HashSet<>();
    /** What etcd still said of dropped collections (Milvus keeps a Dropping record until its GC runs). */
    private final Map<Long, CollectionMeta> droppedRecords = new HashMap<>();
    private final KeyRevisions revisions = new KeyRevisions();
    private Watch.Watcher watcher;

    private SourceMetadata(Client client, String prefix, Consumer<MetaChange> listener) {
        this.client = client;
        this.prefix = prefix;
        this.listener = listener;
    }

    /**
     * Lists the metadata and starts watching it.
     *
     * @param etcd     where the source keeps its metadata
     * @param listener told of every change after it is applied; called on the watch thread
     */
    public static SourceMetadata open(SourceEtcd etcd, Consumer<MetaChange> listener) {
        Client client = etcd.connect();
        SourceMetadata metadata = new SourceMetadata(client, etcd.rootCoordPrefix(), listener);
        try {
            long revision = metadata.load();
            metadata.watchFrom(revision + 1);
            return metadata;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    /** Lists the metadata once, within {@code timeout}, without watching it: what the source has now. */
    public static SourceMetadata list(SourceEtcd etcd, Duration timeout) {
        Client client = etcd.connect();
        SourceMetadata metadata = new SourceMetadata(client, etcd.rootCoordPrefix(), change -> { });
        try {
            metadata.load(timeout);
            return metadata;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    @Override
    public synchronized Optional<DatabaseMeta> database(long id) {
        return Optional.ofNullable(databases.get(id));
    }

    @Override
    public synchronized List<DatabaseMeta> databases() {
        return List.copyOf(databases.values());
    }

    /** Every collection that exists on the source now (created, not being dropped), with its full schema. */
    @Override
    public synchronized List<CollectionMeta> collections() {
        return collections.keySet().stream().filter(this::isReady).map(this::withFields).toList();
    }

    /**
     * Milvus 2.3 saves a new collection's record (state Creating) before its fields, in separate
     * etcd writes, and marks it Created once it is whole: until then it is not there to replicate.
     */
    private boolean isReady(long id) {
        CollectionMeta meta = collections.get(id);
        return meta != null && !meta.creating() && !fields.getOrDefault(id, Map.of()).isEmpty();
    }

    /**
     * The collection with this id, with its full schema. When the watch has not delivered it yet
     * (messages on the log can overtake the watch), the metadata is listed again once.
     */
    @Override
    public Optional<CollectionMeta> collection(long id) {
        synchronized (this) {
            if (isReady(id)) {
                return Optional.of(withFields(id));
            }
            if (droppedCollections.contains(id)) {
                return Optional.empty();
            }
        }
        load();
        synchronized (this) {
            return isReady(id) ? Optional.of(withFields(id)) : Optional.empty();
        }
    }

    /**
     * The live collection with this name in this database, with its full schema; listed again once
     * when the watch has not delivered it.
     */
    public Optional<CollectionMeta> collection(String databaseName, String collectionName) {
        Optional<CollectionMeta> known = liveCollection(databaseName, collectionName);
        if (known.isPresent()) {
            return known;
        }
        // The replicate channel's index and load requests name collections the watch may not have delivered yet.
        load();
        return liveCollection(databaseName, collectionName);
    }

    private synchronized Optional<CollectionMeta> liveCollection(String databaseName, String collectionName) {
        return collections.values().stream()
                .filter(c -> isReady(c.id()))
                .filter(c -> c.name().equals(collectionName))
                .filter(c -> databaseName.equals(databaseNameOf(c.dbId())))
                .findFirst()
                .map(c -> withFields(c.id()));
    }

    private String databaseNameOf(long dbId) {
        DatabaseMeta db = databases.get(dbId);
        return db == null ? null : db.name();
    }

    /** The database and name a dropped collection had, while etcd still keeps its Dropping record. */
    @Override
    public synchronized Optional<QualifiedName> droppedCollectionName(long collectionId) {
        CollectionMeta meta = droppedRecords.get(collectionId);
        String db = meta == null ? null : databaseNameOf(meta.dbId());
        return db == null ? Optional.empty() : Optional.of(new QualifiedName(db, meta.name()));
    }

    /** The live collection of this database and name that existed at {@code timestamp} (created no later). */
    @Override
    public Optional<CollectionMeta> collectionAt(String databaseName, String collectionName, long timestamp) {
        return collection(databaseName, collectionName).filter(c -> c.createTime() <= timestamp);
    }

    /** The name of a database, also after it was dropped; empty when etcd never told of it. */
    @Override
    public synchronized Optional<String> databaseName(long databaseId) {
        return Optional.ofNullable(databaseNames.get(databaseId));
    }

    /** True when a database of that name exists on the source now. */
    @Override
    public synchronized boolean hasDatabase(String name) {
        return databases.values().stream().anyMatch(db -> db.name().equals(name));
    }

    /**
     * The partition with this id when it exists and takes rows (Created); listed again once when the
     * watch has not delivered it yet or still shows it being created.
     */
    @Override
    public Optional<PartitionMeta> livePartition(long collectionId, long partitionId) {
        synchronized (this) {
            PartitionMeta known = partitions.getOrDefault(collectionId, Map.of()).get(partitionId);
            if (known != null && known.live()) {
                return Optional.of(known);
            }
            if (droppedPartitions.contains(partitionId)) {
                return Optional.empty();
            }
        }
        load();
        synchronized (this) {
            return Optional.ofNullable(partitions.getOrDefault(collectionId, Map.of()).get(partitionId)).filter(PartitionMeta::live);
        }
    }

    /** The live partition of that name in the collection, if any. */
    @Override
    public synchronized Optional<PartitionMeta> livePartitionNamed(long collectionId, String name) {
        return partitions.getOrDefault(collectionId, Map.of()).values().stream()
                .filter(PartitionMeta::live).filter(p -> p.name().equals(name)).findFirst();
    }

    /** True when etcd has told of this collection: live, still being created, or dropped. */
    @Override
    public synchronized boolean describes(long collectionId) {
        return collections.containsKey(collectionId) || droppedCollections.contains(collectionId);
    }

    @Override
    public synchronized boolean creating(long collectionId) {
        return collections.containsKey(collectionId) && !isReady(collectionId);
    }

    /** The live (Created) partitions of a collection. */
    @Override
    public synchronized List<PartitionMeta> partitions(long collectionId) {
        return partitions.getOrDefault(collectionId, Map.of()).values().stream().filter(PartitionMeta::live).toList();
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        client.close();
    }

    private CollectionMeta withFields(long id) {
        CollectionMeta meta = collections.get(id);
        List<FieldSchema> sorted = new ArrayList<>(fields.getOrDefault(id, Map.of()).values());
        sorted.sort(Comparator.comparingLong(FieldSchema::getFieldID));
        return meta.withSchema(meta.schema().toBuilder().clearFields().addAllFields(sorted).build());
    }

    private long load() {
        return load(ETCD_TIMEOUT);
    }

    private long load(Duration timeout) {
        GetResponse response;
        try {
            response = client.getKVClient()
                    .get(bytes(prefix), GetOption.builder().isPrefix(true).build())
                    .get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceMetadataException("interrupted while listing " + prefix, e);
        } catch (TimeoutException e) {
            throw SourceMetadataException.listingFailed(prefix, "no answer within " + timeout.toMillis() + " ms", e);
        } catch (ExecutionException e) {
            throw SourceMetadataException.listingFailed(prefix, String.valueOf(e.getMessage()), e);
        }
        List<Record> records = new ArrayList<>();
        for (KeyValue kv : response.getKvs()) {
            decode(kv.getKey(), kv.getValue().getBytes())
                    .ifPresent(change -> records.add(new Record(kv.getKey(), kv.getModRevision(), change)));
        }
        synchronized (this) {
            records.forEach(this::applyUnlessOlder);
        }
        return response.getHeader().getRevision();
    }

    private void watchFrom(long revision) {
        WatchOption option = WatchOption.builder().isPrefix(true).withRevision(revision).build();
        watcher = client.getWatchClient().watch(bytes(prefix), option, Watch.listener(
                response -> onEvents(response.getEvents()),
                error -> log.warn("watch of the source metadata under {} failed: {}; jetcd retries it",
                        prefix, error.getMessage())));
    }

    /**
     * Applies every event of one watch response before telling the listener of any: Milvus saves a
     * collection and its fields in one transaction, and a listener must see the whole of it.
     */
    private void onEvents(List<WatchEvent> events) {
        List<Record> records = new ArrayList<>();
        for (WatchEvent event : events) {
            KeyValue kv = event.getKeyValue();
            byte[] value = event.getEventType() == WatchEvent.EventType.DELETE ? null : kv.getValue().getBytes();
            decode(kv.getKey(), value).ifPresent(change -> records.add(new Record(kv.getKey(), kv.getModRevision(), change)));
        }
        synchronized (this) {
            records.forEach(this::applyUnlessOlder);
        }
        records.forEach(record -> listener.accept(record.change()));
    }

    /** A decoded record and the etcd revision that wrote it (for a delete, the revision of the delete). */
    private record Record(ByteSequence key, long revision, MetaChange change) {
    }

    private void applyUnlessOlder(Record record) {
        if (revisions.admit(record.key().toString(StandardCharsets.UTF_8), record.revision())) {
            apply(record.change());
        }
    }

    private Optional<MetaChange> decode(ByteSequence key, byte[] value) {
        String relative = key.toString(StandardCharsets.UTF_8).substring(prefix.length());
        try {
            return MetaRecordDecoder.decode(relative, value);
        } catch (InvalidProtocolBufferException | NumberFormatException e) {
            log.warn("skipping undecodable source metadata key {}{}: {}", prefix, relative, e.getMessage());
            return Optional.empty();
        }
    }

    private void apply(MetaChange change) {
        if (change instanceof MetaChange.DatabasePut put) {
            databases.put(put.database().id(), put.database());
            databaseNames.put(put.database().id(), put.database().name());
        } else if (change instanceof MetaChange.DatabaseRemoved removed) {
            databases.remove(removed.databaseId());
        } else if (change instanceof MetaChange.CollectionPut put) {
            if (put.dropping()) {
                dropCollection(put.meta().id());
                droppedRecords.put(put.meta().id(), put.meta());
            } else if (!droppedCollections.contains(put.meta().id())) {
                collections.put(put.meta().id(), put.meta());
            }
        } else if (change instanceof MetaChange.CollectionRemoved removed) {
            dropCollection(removed.collectionId());
        } else if (change instanceof MetaChange.PartitionPut put) {
            PartitionMeta partition = put.partition();
            if (partition.state() == PartitionMeta.State.DROPPING) {
                removePartition(partition.collectionId(), partition.id());
            } else if (!droppedPartitions.contains(partition.id())) {
                partitions.computeIfAbsent(partition.collectionId(), id -> new HashMap<>()).put(partition.id(), partition);
            }
        } else if (change instanceof MetaChange.PartitionRemoved removed) {
            removePartition(removed.collectionId(), removed.partitionId());
        } else if (change instanceof MetaChange.FieldPut put) {
            fields.computeIfAbsent(put.collectionId(), id -> new HashMap<>()).put(put.field().getFieldID(), put.field());
        } else if (change instanceof MetaChange.FieldRemoved removed) {
            Map<Long, FieldSchema> ofCollection = fields.get(removed.collectionId());
            if (ofCollection != null) {
                ofCollection.remove(removed.fieldId());
            }
        }
    }

    private void dropCollection(long id) {
        droppedCollections.add(id);
        collections.remove(id);
        partitions.remove(id);
    }

    private void removePartition(long collectionId, long partitionId) {
        droppedPartitions.add(partitionId);
        Map<Long, PartitionMeta> ofCollection = partitions.get(collectionId);
        if (ofCollection != null) {
            ofCollection.remove(partitionId);
        }
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }
}
