package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where a task reads again from after its target was down: on each channel, the position it had
 * reached {@link #WINDOW} ago, or where it started reading the channel when that is more recent.
 *
 * <p>Measured on the rig (docs/rig.md): a Milvus 2.3.5 target that stops and starts again, even
 * cleanly, can lose inserts and deletes it acknowledged but had not yet synced to its storage (its
 * data nodes resume their channels after the backlog), and its queries may not show rows written
 * before the restart. A data node syncs a buffer at the latest after {@code dataNode.segment.syncPeriod}
 * (600 s by default), so what the target acknowledged longer ago than that is kept; writing the
 * rest again (upserts and deletes, which change nothing the target kept) restores it. Thread-safe.
 */
final class ReplayWindow {

    /** Milvus's default syncPeriod of 600 s, and a margin. */
    static final Duration WINDOW = Duration.ofMinutes(12);
    /** Snapshots closer together than this are not kept: the window needs minutes, not seconds. */
    private static final Duration SPACING = Duration.ofSeconds(20);

    private record Snapshot(Instant at, Map<String, ChannelPosition> positions) {
    }

    private final Duration window;
    /** Oldest first; the first one is the newest that is older than the window, once there is one. */
    private final Deque<Snapshot> snapshots = new ArrayDeque<>();
    private final Map<String, ChannelPosition> firstRead = new HashMap<>();

    /** @param oldEnough positions known to be older than the window (what an earlier run published); may be empty */
    ReplayWindow(Duration window, Map<String, ChannelPosition> oldEnough) {
        this.window = window;
        if (!oldEnough.isEmpty()) {
            snapshots.add(new Snapshot(Instant.EPOCH, Map.copyOf(oldEnough)));
        }
    }

    /** The task starts reading a channel here. */
    synchronized void opened(ChannelPosition start) {
        firstRead.putIfAbsent(start.channel(), start);
    }

    /** Where the task stands now, on every channel it reads. */
    synchronized void record(Instant now, Map<String, ChannelPosition> acknowledged) {
        if (snapshots.isEmpty() || !now.isBefore(snapshots.getLast().at().plus(SPACING))) {
            snapshots.addLast(new Snapshot(now, Map.copyOf(acknowledged)));
        }
        Instant cutoff = now.minus(window);
        while (snapshots.size() > 1 && !secondOldest().at().isAfter(cutoff)) {
            snapshots.removeFirst();
        }
    }

    private Snapshot secondOldest() {
        Iterator<Snapshot> oldestFirst = snapshots.iterator();
        oldestFirst.next();
        return oldestFirst.next();
    }

    /** The positions to read again from, per channel, at {@code now}. */
    synchronized Map<String, ChannelPosition> replayFrom(Instant now) {
        Map<String, ChannelPosition> from = new LinkedHashMap<>(firstRead);
        Snapshot oldest = snapshots.peekFirst();
        if (oldest != null && !oldest.at().isAfter(now.minus(window))) {
            from.putAll(oldest.positions());
        }
        return from;
    }
}
