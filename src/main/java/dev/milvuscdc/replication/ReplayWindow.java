package dev.milvuscdc.replication;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a task goes back to after its target was down: per key, the value it had {@link #WINDOW}
 * ago, or the first one it had when that is more recent. The keys are the channels the task reads
 * (values: positions), or the entries of its initial copy's progress (values: how far each
 * partition was copied, and the marks of what was finished).
 *
 * <p>Measured on the rig (docs/rig.md): a Milvus 2.3.5 target that stops and starts again, even
 * cleanly, can lose inserts and deletes it acknowledged but had not yet synced to its storage (its
 * data nodes resume their channels after the backlog), and its queries may not show rows written
 * before the restart. A data node syncs a buffer at the latest after {@code dataNode.segment.syncPeriod}
 * (600 s by default), so what the target acknowledged longer ago than that is kept; writing the
 * rest again (upserts and deletes, which change nothing the target kept) restores it. Thread-safe.
 */
final class ReplayWindow<V> {

    /** Milvus's default syncPeriod of 600 s, and a margin. */
    static final Duration WINDOW = Duration.ofMinutes(12);
    /** Snapshots closer together than this are not kept: the window needs minutes, not seconds. */
    private static final Duration SPACING = Duration.ofSeconds(20);

    private record Snapshot<V>(Instant at, Map<String, V> values) {
    }

    private final Duration window;
    /** Oldest first; the first one is the newest that is older than the window, once there is one. */
    private final Deque<Snapshot<V>> snapshots = new ArrayDeque<>();
    private final Map<String, V> first = new HashMap<>();

    /** @param oldEnough values known to be older than the window (what an earlier run published); may be empty */
    ReplayWindow(Duration window, Map<String, V> oldEnough) {
        this.window = window;
        if (!oldEnough.isEmpty()) {
            snapshots.add(new Snapshot<>(Instant.EPOCH, Map.copyOf(oldEnough)));
        }
    }

    /** The first value of a key (where the task starts reading a channel). */
    synchronized void opened(String key, V start) {
        first.putIfAbsent(key, start);
    }

    /** Where the task stands now, every key. */
    synchronized void record(Instant now, Map<String, V> current) {
        if (snapshots.isEmpty() || !now.isBefore(snapshots.getLast().at().plus(SPACING))) {
            snapshots.addLast(new Snapshot<>(now, Map.copyOf(current)));
        }
        Instant cutoff = now.minus(window);
        while (snapshots.size() > 1 && !secondOldest().at().isAfter(cutoff)) {
            snapshots.removeFirst();
        }
    }

    private Snapshot<V> secondOldest() {
        Iterator<Snapshot<V>> oldestFirst = snapshots.iterator();
        oldestFirst.next();
        return oldestFirst.next();
    }

    /** The values to go back to at {@code now}; a key without one goes back to its beginning. */
    synchronized Map<String, V> replayFrom(Instant now) {
        Map<String, V> from = new LinkedHashMap<>(first);
        Snapshot<V> oldest = snapshots.peekFirst();
        if (oldest != null && !oldest.at().isAfter(now.minus(window))) {
            from.putAll(oldest.values());
        }
        return from;
    }
}
