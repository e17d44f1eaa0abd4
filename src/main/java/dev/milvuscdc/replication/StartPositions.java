package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.source.log.MsgPositions;
import dev.milvuscdc.source.log.SourceLog;
import dev.milvuscdc.source.log.SourceLogException;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.source.meta.SourceCatalog;
import dev.milvuscdc.task.TaskScope;
import dev.milvuscdc.task.TaskSpec.CollectionInfo;
import dev.milvuscdc.task.TaskSpec;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import milvus.proto.msg.Msg;

/**
 * Where a new task starts reading each channel. By default at the channel's end when the task is
 * created: the channels of the collections in its scope, and the replicate channel. A collection
 * may say otherwise: {@code positions} (per virtual channel, as milvus-backup records them when it
 * backs a collection up) start its channels there, the hand-over from a restored backup;
 * {@code use_start_position} starts them at the collection's first message; {@code rpc_channel_info.position}
 * starts the replicate channel there. Where several collections share a channel, the earliest
 * position wins: the changes of the others between it and their own start are applied again, which
 * leaves the target as it would be (every change is idempotent and kept in order).
 */
final class StartPositions {

    /** What a task without a {@code connect_timeout} may wait for the source when it is created. */
    private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(5);

    private final SourceLog log;
    private final SourceCatalog source;

    StartPositions(SourceLog log, SourceCatalog source) {
        this.log = log;
        this.source = source;
    }

    /**
     * Where the task starts, by channel, as the source's metadata and log stand now; each source call
     * waits at most the task's {@code connect_timeout}.
     */
    static Map<String, ChannelPosition> find(ReplicationSettings settings, TaskSpec spec) {
        int connectTimeout = spec.milvusConnectParam() == null ? 0 : spec.milvusConnectParam().connectTimeout();
        Duration deadline = connectTimeout > 0 ? Duration.ofSeconds(connectTimeout) : DEFAULT_DEADLINE;
        try (SourceCatalog now = settings.metadata().list(deadline)) {
            return new StartPositions(settings.log(), now).of(spec, deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceLogException("interrupted while finding where the source's channels end", e, true);
        }
    }

    Map<String, ChannelPosition> of(TaskSpec spec, Duration deadline) throws InterruptedException {
        Scope scope = new Scope(TaskScope.of(spec));
        Set<String> channels = new LinkedHashSet<>();
        channels.add(log.replicateChannel());
        for (CollectionMeta collection : source.collections()) {
            if (inScope(collection, scope)) {
                channels.addAll(collection.physicalChannels());
            }
        }
        Map<String, ChannelPosition> positions = new LinkedHashMap<>(log.endPositions(channels, deadline));
        Map<String, ChannelPosition> asked = new LinkedHashMap<>();
        for (Map.Entry<String, List<CollectionInfo>> db : namedCollections(spec).entrySet()) {
            for (CollectionInfo info : db.getValue()) {
                if (info.positions() != null) {
                    info.positions().forEach((vchannel, position) -> earliest(asked, given(vchannel, position)));
                }
                if (info.useStartPosition()) {
                    firstMessages(db.getKey(), info.name()).forEach(p -> earliest(asked, p));
                }
            }
        }
        if (spec.rpcChannelInfo() != null && spec.rpcChannelInfo().position() != null
                && !spec.rpcChannelInfo().position().isEmpty()) {
            Msg.MsgPosition position = decode("rpc_channel_info.position", spec.rpcChannelInfo().position());
            asked.put(log.replicateChannel(), log.positionOf(log.replicateChannel(), position.getMsgID(), position.getTimestamp()));
        }
        positions.putAll(asked);
        return positions;
    }

    /** The named collections of the task, by database. */
    private static Map<String, List<CollectionInfo>> namedCollections(TaskSpec spec) {
        Map<String, List<CollectionInfo>> named = new LinkedHashMap<>();
        if (spec.collectionInfos() != null) {
            named.put(TaskScope.DEFAULT_DB, spec.collectionInfos());
        }
        if (spec.dbCollections() != null) {
            named.putAll(spec.dbCollections());
        }
        return named;
    }

    private ChannelPosition given(String virtualChannel, String base64) {
        Msg.MsgPosition position = decode("the position of " + virtualChannel, base64);
        try {
            return log.positionOf(MsgPositions.physicalChannel(virtualChannel), position.getMsgID(), position.getTimestamp());
        } catch (IllegalArgumentException e) {
            throw notUsable("the position of " + virtualChannel, e);
        }
    }

    private List<ChannelPosition> firstMessages(String db, String name) {
        Optional<CollectionMeta> collection = source.collections().stream()
                .filter(c -> c.name().equals(name))
                .filter(c -> source.database(c.dbId()).filter(d -> d.name().equals(db)).isPresent())
                .findFirst();
        if (collection.isEmpty()) {
            throw new SourceLogException("use_start_position: the source has no collection " + db + "." + name
                    + " to read from its first message", null, false);
        }
        return collection.get().startPositions().entrySet().stream()
                .map(first -> log.positionBefore(first.getKey(), first.getValue()))
                .toList();
    }

    /**
     * Where to start reading a channel that the task does not read yet, now that {@code found}, a
     * collection of {@code scope}, turned out to use it: just before the first message there of
     * {@code found} or of any other live collection of the scope on that channel, whichever comes
     * first. The engine meets new collections in the order its threads happen to (the metadata
     * watch, the replicate channel, a channel already read), not in the order they wrote to the
     * channel: an older collection met later may have written rows there before {@code found}
     * existed, and starting at {@code found}'s first message would leave them out for good (a
     * fault schedule lost the first rows of a collection so). Every collection that wrote to the
     * channel before {@code found} was created is in the catalog whenever {@code found} is: both
     * come from the source's etcd, in its order.
     */
    FirstRead firstRead(String channel, CollectionMeta found, Scope scope) {
        if (!found.startPositions().containsKey(channel)) {
            throw new SourceLogException("collection " + found.name() + " (source id " + found.id() + ") uses channel "
                    + channel + " but the source's etcd records no start position for it, so the task cannot read it",
                    null, false);
        }
        FirstRead first = new FirstRead(log.positionBefore(channel, found.startPositions().get(channel)), found);
        for (CollectionMeta other : source.collections()) {
            if (other.startPositions().containsKey(channel) && inScope(other, scope)) {
                ChannelPosition before = log.positionBefore(channel, other.startPositions().get(channel));
                if (log.isBefore(before, first.before())) {
                    first = new FirstRead(before, other);
                }
            }
        }
        return first;
    }

    /** The position just before a collection's first message on a channel, and that collection. */
    record FirstRead(ChannelPosition before, CollectionMeta collection) {
    }

    private boolean inScope(CollectionMeta collection, Scope scope) {
        return source.database(collection.dbId()).filter(db -> scope.covers(db.name(), collection.name())).isPresent();
    }

    private void earliest(Map<String, ChannelPosition> positions, ChannelPosition candidate) {
        positions.merge(candidate.channel(), candidate, (a, b) -> log.isBefore(b, a) ? b : a);
    }

    private static Msg.MsgPosition decode(String what, String base64) {
        try {
            return MsgPositions.decode(base64);
        } catch (IllegalArgumentException e) {
            throw notUsable(what, e);
        }
    }

    private static SourceLogException notUsable(String what, IllegalArgumentException e) {
        return new SourceLogException(what + " cannot be used: " + e.getMessage()
                + "; give a position as milvus-backup records it (base64 of a MsgPosition of this source)", e, false);
    }
}
