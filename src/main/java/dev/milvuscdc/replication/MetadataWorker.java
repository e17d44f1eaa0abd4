package dev.milvuscdc.replication;

import dev.milvuscdc.source.meta.MetaChange;
import dev.milvuscdc.source.meta.PartitionMeta;
import dev.milvuscdc.source.meta.SourceCatalog;
import java.util.concurrent.BlockingQueue;

/**
 * Replays the source's metadata changes that no log message announces (Milvus 2.3 writes partition
 * creation and database changes only to etcd), creates collections on the target as soon as the
 * source has them, even before their first row, and drops copies as soon as etcd says the source
 * dropped them. Changes are queued by the watch thread and applied on this worker's thread, in
 * etcd's order; a collection or partition still being created is left for its Created record.
 */
final class MetadataWorker implements ReplicationWorker.Loop {

    private final BlockingQueue<MetaChange> changes;
    private final SourceCatalog source;
    private final TargetCatalog catalog;

    /** @param changes filled by the etcd watch thread, which must never block */
    MetadataWorker(BlockingQueue<MetaChange> changes, SourceCatalog source, TargetCatalog catalog) {
        this.changes = changes;
        this.source = source;
        this.catalog = catalog;
    }

    @Override
    public String name() {
        return "metadata";
    }

    @Override
    public void runOnce() throws InterruptedException {
        MetaChange change = changes.take();
        if (change instanceof MetaChange.DatabasePut put) {
            catalog.ddl().databaseCreated(put.database().name());
        } else if (change instanceof MetaChange.DatabaseRemoved removed) {
            var name = source.databaseName(removed.databaseId());
            if (name.isPresent()) {
                catalog.ddl().databaseDropped(name.get());
            }
        } else if (change instanceof MetaChange.CollectionPut put) {
            if (put.dropping()) {
                catalog.ddl().collectionDropped(put.meta().id(), put.meta().name());
            } else if (!put.meta().creating()) {
                catalog.ddl().collection(put.meta().id());
            }
        } else if (change instanceof MetaChange.CollectionRemoved removed) {
            catalog.ddl().collectionDropped(removed.collectionId(), "");
        } else if (change instanceof MetaChange.PartitionPut put) {
            PartitionMeta partition = put.partition();
            if (partition.state() == PartitionMeta.State.CREATED) {
                catalog.partitionCreated(partition.collectionId(), partition.id(), partition.name());
            } else if (partition.state() == PartitionMeta.State.DROPPING) {
                catalog.partitionDropped(partition.collectionId(), partition.id(), partition.name());
            }
        } else if (change instanceof MetaChange.PartitionRemoved removed) {
            catalog.partitionDropped(removed.collectionId(), removed.partitionId(), "");
        }
    }

    @Override
    public void close() {
    }
}
