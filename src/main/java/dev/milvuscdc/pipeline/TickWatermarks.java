package dev.milvuscdc.pipeline;

import dev.milvuscdc.event.ChannelPosition;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The time up to which a task may tell a target in replicate mode that the source's channels are
 * complete: the smallest, over the task's DML channels, of the {@link
 * dev.milvuscdc.event.MessagePack#safeTick() safe tick} of the last pack whose end position is
 * <em>stored</em>. A tick only from acknowledged packs would pass messages that a restart from the
 * older stored position sends again, and the target keeps a message sent twice as two once a tick
 * came between the two (docs/replicate-mode.md); before the next tick it drops the second.
 *
 * <p>A Milvus 2.3 source stops ticking a channel once no collection uses it (after a drop, say), so
 * such a channel's mark would hold every target's time still for good. A channel whose reader has
 * confirmed with the broker that it read everything, and which has nothing unstored, is therefore
 * {@link #idle idle} and left out of the minimum until its next pack; while every channel is idle the
 * time does not move. What this leaves open is written in docs/replicate-mode.md. Thread-safe.
 */
public final class TickWatermarks {

    private record Acknowledged(ChannelPosition end, long safeTick) {
    }

    private final Map<String, Deque<Acknowledged>> unstored = new HashMap<>();
    private final Map<String, Long> stored = new HashMap<>();
    private final Set<String> idle = new HashSet<>();

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
            idle.remove(end.channel());
            notifyAll();
        }
    }

    /**
     * Waits until the packs acknowledged so far would, once stored, give a safe time beyond {@code beyond},
     * or at most {@code timeoutMillis}; answers that time (which may still be {@code beyond} on a timeout).
     * The safe time moves only when the slowest channel acknowledges, so a waiter wakes once per round of
     * source ticks, not once per pack.
     */
    public synchronized long awaitAcknowledged(long beyond, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        long acknowledged;
        while ((acknowledged = acknowledgedSafe()) <= beyond) {
            long leftMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (leftMillis <= 0) {
                break;
            }
            wait(leftMillis);
        }
        return acknowledged;
    }

    /**
     * The channel's reader read everything the broker holds and released every pack to the target:
     * its mark stops counting until its next acknowledged pack.
     */
    public synchronized void idle(String channel) {
        Deque<Acknowledged> waiting = unstored.get(channel);
        if (waiting != null && waiting.isEmpty() && idle.add(channel)) {
            notifyAll();
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

    /**
     * The time every registered channel that is not idle has stored (all of them while every one is
     * idle); 0 while one has stored nothing or none is registered.
     */
    public synchronized long safe() {
        return counted().mapToLong(stored::get).min().orElse(0);
    }

    private long acknowledgedSafe() {
        return counted()
                .mapToLong(channel -> {
                    Acknowledged last = unstored.get(channel).peekLast();
                    return last == null ? stored.get(channel) : Math.max(stored.get(channel), last.safeTick());
                })
                .min().orElse(0);
    }

    private Stream<String> counted() {
        boolean allIdle = idle.containsAll(stored.keySet());
        return stored.keySet().stream().filter(channel -> allIdle || !idle.contains(channel));
    }
}
