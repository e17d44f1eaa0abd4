package dev.milvuscdc.replication;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which source partition each target partition copies, kept in the task's catalog so that a
 * restart knows it: a partition has no property to carry its source id, and without it a drop of a
 * partition replayed after a restart could not tell the copy of the dropped partition from the copy
 * of a new one of the same name. Entries are written before the target partition is created and
 * removed after it is dropped, so a crash in between leaves an entry that the next run corrects.
 * Thread-safe; writes go through to the store before returning.
 */
final class PartitionOwners {

    /** Writes catalog entries durably. */
    interface CatalogWriter {
        void put(String key, String value) throws InterruptedException;

        void remove(String key) throws InterruptedException;
    }

    private static final String PREFIX = "partition/";

    private final ConcurrentMap<String, Long> owners = new ConcurrentHashMap<>();
    private final CatalogWriter writer;

    /** @param catalog the task's stored catalog entries */
    PartitionOwners(Map<String, String> catalog, CatalogWriter writer) {
        this.writer = writer;
        catalog.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                owners.put(key, Long.parseLong(value));
            }
        });
    }

    /** The source partition the target partition copies; empty when this task never recorded one. */
    OptionalLong owner(CollectionReplica collection, String partition) {
        Long owner = owners.get(key(collection, partition));
        return owner == null ? OptionalLong.empty() : OptionalLong.of(owner);
    }

    /** The name of the target partition that copies this source partition, if recorded. */
    java.util.Optional<String> nameOf(CollectionReplica collection, long sourcePartitionId) {
        String prefix = key(collection, "");
        return owners.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix) && e.getValue() == sourcePartitionId)
                .map(e -> e.getKey().substring(prefix.length()))
                .findFirst();
    }

    void record(CollectionReplica collection, String partition, long sourcePartitionId) throws InterruptedException {
        String key = key(collection, partition);
        writer.put(key, Long.toString(sourcePartitionId));
        owners.put(key, sourcePartitionId);
    }

    void forget(CollectionReplica collection, String partition) throws InterruptedException {
        String key = key(collection, partition);
        writer.remove(key);
        owners.remove(key);
    }

    /** Forgets every partition of a target collection that was dropped. */
    void forgetCollection(String database, String name) throws InterruptedException {
        String prefix = PREFIX + database + "/" + name + "/";
        for (String key : owners.keySet()) {
            if (key.startsWith(prefix)) {
                writer.remove(key);
                owners.remove(key);
            }
        }
    }

    private static String key(CollectionReplica collection, String partition) {
        return PREFIX + collection.database + "/" + collection.name + "/" + partition;
    }
}
