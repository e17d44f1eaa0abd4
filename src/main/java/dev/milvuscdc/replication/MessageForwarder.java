package dev.milvuscdc.replication;

import com.google.protobuf.ByteString;
import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.pipeline.RowBatcher;
import dev.milvuscdc.sink.MessageReplicator;
import dev.milvuscdc.sink.MessageReplicator.TargetShards;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The replicate write mode's row path: the source's own insert and delete messages of a run go,
 * readdressed, to the target's shard of the same index (the target's copy has as many shards), in
 * the run's order, one call per target physical channel. The target applies them at the source's
 * timestamps once {@link ReplicateTicker} tells it their time has passed. Which target shards a
 * copy has is learnt once per copy ({@link CollectionReplica} is replaced when the copy is). Shared
 * by the task's channels; thread-safe.
 */
final class MessageForwarder {

    private final TargetCatalog catalog;
    private final MessageReplicator replicator;
    private final Retrier retrier;
    private final CdcMetrics metrics;
    private final String taskId;
    private final Map<CollectionReplica, TargetShards> shards = new ConcurrentHashMap<>();
    /** Weak: a dropped partition's copy leaves the catalog, and its id here with it. */
    private final Map<PartitionReplica, Long> partitionIds = Collections.synchronizedMap(new WeakHashMap<>());

    MessageForwarder(TargetCatalog catalog, MessageReplicator replicator, Retrier retrier, CdcMetrics metrics,
                     String taskId) {
        this.catalog = catalog;
        this.replicator = replicator;
        this.retrier = retrier;
        this.metrics = metrics;
        this.taskId = taskId;
    }

    /** Sends a run of inserts and deletes, read from one source channel, in their order. */
    void forward(List<LogMessage> run) throws InterruptedException {
        Map<String, List<ByteString>> byChannel = new LinkedHashMap<>();
        Map<String, long[]> span = new LinkedHashMap<>();
        List<Runnable> counted = new ArrayList<>();
        for (LogMessage message : run) {
            ChangeEvent event = message.event();
            Addressed addressed;
            if (event instanceof ChangeEvent.Insert insert) {
                addressed = address(insert.collectionId(), insert.partitionId(), insert.partitionName(), insert.shard(),
                        insert.message(), false);
            } else if (event instanceof ChangeEvent.Delete delete) {
                addressed = address(delete.collectionId(), delete.partitionId(), delete.partitionName(), delete.shard(),
                        delete.message(), true);
            } else {
                throw new IllegalArgumentException("not a row change: " + event);
            }
            if (addressed == null) {
                continue;
            }
            byChannel.computeIfAbsent(addressed.pchannel(), k -> new ArrayList<>()).add(addressed.message());
            long[] ts = span.computeIfAbsent(addressed.pchannel(), k -> new long[] {Long.MAX_VALUE, 0});
            ts[0] = Math.min(ts[0], event.timestamp());
            ts[1] = Math.max(ts[1], event.timestamp());
            counted.add(() -> count(addressed, message.position().channel(), event));
        }
        for (Map.Entry<String, List<ByteString>> batch : byChannel.entrySet()) {
            long[] ts = span.get(batch.getKey());
            retrier.run("replicate " + batch.getValue().size() + " messages into target channel " + batch.getKey(),
                    () -> replicator.send(batch.getKey(), batch.getValue(), ts[0], ts[1]));
        }
        counted.forEach(Runnable::run);
    }

    /** The target's physical channels of every copy this task has, for the ticker. */
    Set<String> targetChannels(Collection<CollectionReplica> copies) throws InterruptedException {
        Set<String> channels = new LinkedHashSet<>();
        for (CollectionReplica copy : copies) {
            channels.addAll(shardsOf(copy).pchannels());
        }
        return channels;
    }

    private record Addressed(CollectionReplica collection, String pchannel, ByteString message) {
    }

    private Addressed address(long collectionId, long partitionId, String partitionName, String shard,
                              ByteString message, boolean delete) throws InterruptedException {
        var destination = catalog.destination(collectionId, partitionId, partitionName);
        if (destination.isEmpty()) {
            return null;
        }
        CollectionReplica copy = destination.get().collection();
        TargetShards target = shardsOf(copy);
        long targetPartition = delete && partitionId == ChangeEvent.Delete.ALL_PARTITIONS
                ? ChangeEvent.Delete.ALL_PARTITIONS : partitionOf(copy, target, destination.get().partition(), partitionName);
        int index = MessageReplicator.shardIndex(shard);
        if (index >= target.vchannels().size()) {
            throw new IllegalStateException("source shard " + shard + " of " + copy + " has no shard of that index on "
                    + "the target, which has " + target.vchannels().size() + ": the copy must have the source's shard count");
        }
        return new Addressed(copy, target.pchannels().get(index),
                MessageReplicator.readdressed(message, target.vchannels().get(index), target.collectionId(), targetPartition));
    }

    /**
     * The target's id of the partition. A partition copy the task manages is looked up once per copy: a
     * partition dropped and created again has a new copy, and a new id on the target, under the same name.
     * Any other partition the copy did not have when last looked at is looked up again.
     */
    private long partitionOf(CollectionReplica copy, TargetShards target, PartitionReplica managed, String partitionName)
            throws InterruptedException {
        String name = partitionName == null || partitionName.isEmpty() ? "_default" : partitionName;
        Long id = managed != null ? partitionIds.get(managed) : target.partitionIds().get(name);
        if (id == null) {
            shards.remove(copy);
            id = shardsOf(copy).partitionIds().get(name);
            if (id != null && managed != null) {
                partitionIds.put(managed, id);
            }
        }
        if (id == null) {
            throw new IllegalStateException("partition " + name + " of " + copy + " is not on the target");
        }
        return id;
    }

    private TargetShards shardsOf(CollectionReplica copy) throws InterruptedException {
        TargetShards known = shards.get(copy);
        if (known != null) {
            return known;
        }
        TargetShards found = retrier.call("look up the shards of " + copy + " on the target",
                () -> replicator.shards(copy.database, copy.name));
        shards.put(copy, found);
        return found;
    }

    /** As the ordinary mode counts them: rows by collection, and the bytes sent by the source channel read. */
    private void count(Addressed sent, String sourceChannel, ChangeEvent event) {
        CollectionReplica collection = sent.collection();
        if (event instanceof ChangeEvent.Insert insert) {
            metrics.rowsReplicated(taskId, collection.sourceId, collection.name, "insert", insert.rowCount());
            metrics.dataSize(taskId, sourceChannel, "write", "insert", sent.message().size());
        } else if (event instanceof ChangeEvent.Delete delete) {
            metrics.rowsReplicated(taskId, collection.sourceId, collection.name, "delete",
                    RowBatcher.keyCount(delete.primaryKeys()));
            metrics.dataSize(taskId, sourceChannel, "write", "delete", sent.message().size());
        }
    }
}
