package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.sink.TargetObjectMissingException;
import dev.milvuscdc.source.meta.SourceCatalog;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The target side of a task's changes: where each row change goes ({@link Destination}), and what a
 * change that is not a row change does. It asks {@link DdlExecutor} for collection copies,
 * {@link PartitionCopies} for partition copies, and hands index, load and flush requests to
 * {@link CollectionOperations}. Thread-safe: every channel of the task uses it at once, and none
 * waits for another except on the same target object.
 */
final class TargetCatalog {

    private static final Logger log = LoggerFactory.getLogger(TargetCatalog.class);

    private final SourceCatalog source;
    private final DdlExecutor ddl;
    private final PartitionCopies partitions;
    private final CollectionOperations operations;

    TargetCatalog(SourceCatalog source, DdlExecutor ddl, PartitionCopies partitions, CollectionOperations operations) {
        this.source = source;
        this.ddl = ddl;
        this.partitions = partitions;
        this.operations = operations;
    }

    /** Creates the copies of everything in scope that the source has now. */
    void createExisting() throws InterruptedException {
        ddl.createExisting(partitions);
    }

    /** Where a row change of this collection and partition goes; empty when it is passed over. */
    Optional<Destination> destination(long collectionId, long partitionId, String partitionName)
            throws InterruptedException {
        Optional<CollectionReplica> collection = ddl.collection(collectionId);
        if (collection.isEmpty()) {
            return Optional.empty();
        }
        CollectionReplica copy = collection.get();
        if (copy.partitionKey || partitionName == null || partitionName.isEmpty()) {
            return Optional.of(new Destination(copy, null, null));
        }
        if (!PartitionCopies.isManaged(copy, partitionName)) {
            return Optional.of(new Destination(copy, partitionName, null));
        }
        return partitions.partition(copy, partitionId, partitionName)
                .map(partition -> new Destination(copy, partitionName, partition));
    }

    /**
     * Runs a target call; when it fails because its collection or partition is missing on the
     * target while the source dropped that object too (so the missing copy is the right end state),
     * the call's changes are passed over instead of stopping the task.
     *
     * @return false when passed over
     */
    boolean unlessDroppedOnSource(Destination destination, Retrier.VoidAction call) throws InterruptedException {
        try {
            call.run();
            return true;
        } catch (TargetObjectMissingException e) {
            CollectionReplica collection = destination.collection();
            boolean collectionDropped = source.collection(collection.sourceId).isEmpty();
            boolean partitionDropped = destination.partition() != null
                    && source.livePartition(collection.sourceId, destination.partition().sourceId()).isEmpty();
            if (!collectionDropped && !partitionDropped) {
                throw e;
            }
            log.info("changes of {} passed over: the source dropped the {} ({})", collection,
                    collectionDropped ? "collection" : "partition " + destination.partitionName(), e.getMessage());
            return false;
        }
    }

    /** Applies a change that is not a row change: creations, drops, index, load, release and flush. */
    void apply(ChangeEvent event) throws InterruptedException {
        if (event instanceof ChangeEvent.CollectionCreated created) {
            ddl.collection(created.collectionId());
        } else if (event instanceof ChangeEvent.CollectionDropped dropped) {
            ddl.collectionDropped(dropped.collectionId(), dropped.collectionName());
        } else if (event instanceof ChangeEvent.PartitionDropped dropped) {
            partitionDropped(dropped.collectionId(), dropped.partitionId(), dropped.partitionName());
        } else if (event instanceof ChangeEvent.DatabaseCreated created) {
            ddl.databaseCreated(created.database());
        } else if (event instanceof ChangeEvent.DatabaseDropped dropped) {
            ddl.databaseDropped(dropped.database());
        } else if (event instanceof ChangeEvent.CollectionOperation operation) {
            operations.apply(operation);
        } else if (event instanceof ChangeEvent.Flushed flush) {
            operations.flush(flush);
        }
    }

    void partitionCreated(long collectionId, long partitionId, String name) throws InterruptedException {
        Optional<CollectionReplica> collection = ddl.collection(collectionId);
        if (collection.isPresent() && PartitionCopies.isManaged(collection.get(), name)) {
            partitions.partition(collection.get(), partitionId, name);
        }
    }

    /** @param name empty when the source no longer says */
    void partitionDropped(long collectionId, long partitionId, String name) throws InterruptedException {
        Optional<CollectionReplica> collection = ddl.collection(collectionId);
        if (collection.isPresent()) {
            partitions.partitionDropped(collection.get(), partitionId, name);
        }
    }

    DdlExecutor ddl() {
        return ddl;
    }
}
