package dev.milvuscdc.pipeline;

import dev.milvuscdc.event.ChannelPosition;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * The time up to which a task may tell a target in replicate mode that the source's channels are
 * complete: the smallest, over the task's DML channels, of the {@link
 * dev.milvuscdc.event.MessagePack#safeTick() safe tick} of the last pack whose end position is
 * <em>stored</em>. A tick only from acknowledged packs would pass messages that a restart from the
 * older stored position sends again, and the target keeps a message sent twice as two once a tick
 * came between the two (docs/replicate-mode.md); before the next tick it drops the second. Thread-safe.
 */
public final class TickWatermarks {

    private record Acknowledged(ChannelPosition end, long safeTick) {
    }

    private final Map<String, Deque<Acknowledged>> unstored = new HashMap<>();
    private final Map<String, Long> stored = new HashMap<>();

    /** A DML channel whose ticks count, nothing of it stored yet. */
    public synchronized void register(String channel) {
        unstored.putIfAbsent(channel, new ArrayDeque<>());
        stored.putIfAbsent(channel, 0L);
    }

    /** The target holds a pack of a registered channel, which ends at {@code end}. */
    public synchronized void acknowledged(ChannelPosition end, long safeTick) {
        Deque<Acknowledged> waiting = unstored.get(end.channel());
        if (waiting != null) {
            waiting.add(new Acknowledged(end, safeTick));
        }
    }

    /** These positions are stored: each moves its channel's mark to the pack that ended there. */
    public synchronized void stored(Collection<ChannelPosition> positions) {
        for (ChannelPosition position : positions) {
            Deque<Acknowledged> waiting = unstored.get(position.channel());
            if (waiting == null || waiting.stream().noneMatch(a -> a.end().equals(position))) {
                continue;
            }
            Acknowledged pack;
            do {
                pack = waiting.poll();
            } while (!pack.end().equals(position));
            stored.merge(position.channel(), pack.safeTick(), Math::max);
        }
    }

    /** The time every registered channel has stored; 0 while one has stored nothing or none is registered. */
    public synchronized long safe() {
        return stored.values().stream().mapToLong(Long::longValue).min().orElse(0);
    }
}
