package dev.milvuscdc.replication;

import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * Which target collection copies which source collection, by the source's id, and which source
 * collections this task passes over for good: dropped on the source, or outside the task's scope.
 * A source id is never reused, while a name is: a collection dropped and created again under its
 * name is another id, whose rows must never land in the old copy. In memory only: the target
 * collections carry their source id (see {@code sink.TargetWriter}), so a restart finds them again.
 * Thread-safe.
 */
final class IdentityMap {

    private final ConcurrentMap<Long, CollectionReplica> live = new ConcurrentHashMap<>();
    private final Set<Long> dropped = ConcurrentHashMap.newKeySet();
    private final Set<Long> outOfScope = ConcurrentHashMap.newKeySet();
    /** Dropped source collections whose copy this run has already dropped (every shard's channel logs the drop). */
    private final Set<Long> copiesDropped = ConcurrentHashMap.newKeySet();

    Optional<CollectionReplica> live(long sourceId) {
        return Optional.ofNullable(live.get(sourceId));
    }

    /** The copies of the source collections that are not dropped. */
    Collection<CollectionReplica> liveCopies() {
        return List.copyOf(live.values());
    }

    /** True when the source collection's changes are passed over: it is dropped or out of scope. */
    boolean passedOver(long sourceId) {
        return dropped.contains(sourceId) || outOfScope.contains(sourceId);
    }

    void put(CollectionReplica replica) {
        if (!dropped.contains(replica.sourceId)) {
            live.put(replica.sourceId, replica);
        }
    }

    /** The source dropped the collection: its changes are passed over from now on; returns its live copy, if any. */
    Optional<CollectionReplica> markDropped(long sourceId) {
        dropped.add(sourceId);
        return Optional.ofNullable(live.remove(sourceId));
    }

    void markOutOfScope(long sourceId) {
        outOfScope.add(sourceId);
    }

    /** Records that the copy of a dropped collection is gone; false when an earlier call did. */
    boolean markCopyDropped(long sourceId) {
        return copiesDropped.add(sourceId);
    }
}
