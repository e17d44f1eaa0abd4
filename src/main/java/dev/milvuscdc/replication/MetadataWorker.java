package dev.milvuscdc.replication;

import dev.milvuscdc.source.meta.MetaChange;
import java.util.concurrent.BlockingQueue;

/**
 * Replays the source's metadata changes that no log message announces (Milvus 2.3 writes partition
 * creation and database changes only to etcd), and creates collections on the target as soon as
 * the source has them, even before their first row. Changes are queued by the watch thread and
 * applied on this worker's thread, in etcd's order.
 */
final class MetadataWorker implements ReplicationWorker.Loop {

    private final BlockingQueue<MetaChange> changes;
    private final TargetCatalog catalog;

    /** @param changes filled by the etcd watch thread, which must never block */
    MetadataWorker(BlockingQueue<MetaChange> changes, TargetCatalog catalog) {
        this.changes = changes;
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
            catalog.databaseCreated(put.database());
        } else if (change instanceof MetaChange.DatabaseRemoved removed) {
            catalog.databaseDropped(removed.databaseId());
        } else if (change instanceof MetaChange.CollectionPut put) {
            if (put.dropping()) {
                catalog.collectionDropped(put.meta().id());
            } else {
                catalog.ensure(put.meta().id());
            }
        } else if (change instanceof MetaChange.CollectionRemoved removed) {
            catalog.collectionDropped(removed.collectionId());
        } else if (change instanceof MetaChange.PartitionPut put) {
            if (put.live()) {
                catalog.partitionCreated(put.partition().collectionId(), put.partition().name());
            } else {
                catalog.partitionDropped(put.partition().collectionId(), put.partition().name());
            }
        }
    }

    @Override
    public void close() {
    }
}
