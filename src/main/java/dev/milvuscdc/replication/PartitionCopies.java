package dev.milvuscdc.replication;

import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.sink.TargetWriter;
import dev.milvuscdc.source.meta.SourceCatalog;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates and drops the partitions of the target's collection copies by the identity of the source
 * partitions they copy ({@link PartitionOwners}). Milvus logs a partition drop on every channel of
 * the collection, and the channels run at their own pace; a name may come back as a new partition
 * meanwhile. So a drop is applied once, to the copy of the partition it names and only after the
 * calls in flight on that copy are done; rows of a dropped source partition are passed over from
 * then on, on every channel. A new partition of the same name gets a new copy once the old copy is
 * gone. The default partition, and the partitions of a partition-key collection (the target routes
 * those rows itself), are not managed here. Thread-safe; one lock per target partition name.
 */
final class PartitionCopies {

    private static final Logger log = LoggerFactory.getLogger(PartitionCopies.class);
    private static final String DEFAULT_PARTITION = "_default";

    private final SourceCatalog source;
    private final TargetWriter writer;
    private final Retrier retrier;
    private final PartitionOwners owners;
    private final NamedLocks locks = new NamedLocks();

    PartitionCopies(SourceCatalog source, TargetWriter writer, Retrier retrier, PartitionOwners owners) {
        this.source = source;
        this.writer = writer;
        this.retrier = retrier;
        this.owners = owners;
    }

    /** Whether a change naming this partition of the collection goes to a partition this class manages. */
    static boolean isManaged(CollectionReplica collection, String partition) {
        return !collection.partitionKey && partition != null && !partition.isEmpty() && !DEFAULT_PARTITION.equals(partition);
    }

    /**
     * The copy of a managed source partition, created on the target when missing; empty when the
     * source dropped the partition (its rows are passed over) or the collection's copy is gone.
     */
    Optional<PartitionReplica> partition(CollectionReplica collection, long partitionId, String name)
            throws InterruptedException {
        PartitionReplica known = collection.partitions.get(partitionId);
        if (known != null || collection.droppedPartitions.contains(partitionId)) {
            return Optional.ofNullable(known);
        }
        if (source.livePartition(collection.sourceId, partitionId).isEmpty()) {
            collection.droppedPartitions.add(partitionId);
            return Optional.empty();
        }
        return locks.withLock(key(collection, name), () -> copyOf(collection, partitionId, name));
    }

    private Optional<PartitionReplica> copyOf(CollectionReplica collection, long partitionId, String name)
            throws InterruptedException {
        PartitionReplica known = collection.partitions.get(partitionId);
        if (known != null || collection.droppedPartitions.contains(partitionId)) {
            return Optional.ofNullable(known);
        }
        OptionalLong owner = owners.owner(collection, name);
        if (owner.isPresent() && owner.getAsLong() != partitionId) {
            if (source.livePartition(collection.sourceId, owner.getAsLong()).isPresent()) {
                throw new PermanentTargetException("create partition", collection + "." + name, "the target partition"
                        + " copies source partition " + owner.getAsLong() + ", which the source still has, not "
                        + partitionId, "Drop the target partition, then resume the task");
            }
            log.info("partition {}.{} on the target copies source partition {}, which the source dropped; the new"
                    + " source partition {} of that name replaces it", collection, name, owner.getAsLong(), partitionId);
            dropCopy(collection, owner.getAsLong(), name);
        }
        if (owner.isEmpty() || owner.getAsLong() != partitionId) {
            owners.record(collection, name, partitionId);
        }
        if (!collection.calls.enter()) {
            return Optional.empty();
        }
        try {
            retrier.run("create partition " + collection + "." + name,
                    () -> writer.createPartition(collection.database, collection.name, name));
        } finally {
            collection.calls.exit();
        }
        PartitionReplica copy = new PartitionReplica(partitionId, name);
        collection.partitions.put(partitionId, copy);
        return Optional.of(copy);
    }

    /**
     * The source dropped a partition (told by the log or etcd): its rows are passed over from now on,
     * and its copy is dropped once the calls in flight on it are done.
     *
     * @param name the partition's name; empty when the source no longer says (the copy's record tells it then)
     */
    void partitionDropped(CollectionReplica collection, long partitionId, String name) throws InterruptedException {
        if (collection.partitionKey || DEFAULT_PARTITION.equals(name)) {
            return;
        }
        collection.droppedPartitions.add(partitionId);
        Optional<String> known = name.isEmpty() ? owners.nameOf(collection, partitionId) : Optional.of(name);
        if (known.isEmpty()) {
            return;
        }
        locks.withLock(key(collection, known.get()), () -> {
            OptionalLong owner = owners.owner(collection, known.get());
            boolean copyOfThis = owner.isPresent() && owner.getAsLong() == partitionId;
            // A copy made before this task kept records: it is this partition's unless the name lives on.
            boolean unrecorded = owner.isEmpty() && source.livePartitionNamed(collection.sourceId, known.get()).isEmpty();
            if (copyOfThis || unrecorded) {
                dropCopy(collection, partitionId, known.get());
            }
            return null;
        });
    }

    private void dropCopy(CollectionReplica collection, long partitionId, String name) throws InterruptedException {
        collection.droppedPartitions.add(partitionId);
        PartitionReplica live = collection.partitions.remove(partitionId);
        if (live != null) {
            live.calls().retire();
        }
        if (collection.calls.enter()) {
            try {
                retrier.run("drop partition " + collection + "." + name,
                        () -> writer.dropPartition(collection.database, collection.name, name));
            } finally {
                collection.calls.exit();
            }
        }
        owners.forget(collection, name);
        log.info("dropped partition {}.{} on the target: the source dropped partition {}", collection, name, partitionId);
    }

    private static String key(CollectionReplica collection, String partition) {
        return collection.database + "." + collection.name + "/" + partition;
    }
}
