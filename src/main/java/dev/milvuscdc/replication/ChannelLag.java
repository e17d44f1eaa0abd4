package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.LogMessage;
import java.util.Collection;
import java.util.TreeMap;

/**
 * How far the target is behind on one channel: the source time of the oldest change it does not
 * hold yet, measured against the clock when asked. Changes are the data and DDL messages read and
 * not yet acknowledged, and, while the reader knows the log holds more than it read, the next
 * message after the last one read. Time ticks are no changes: an idle source, which still ticks,
 * leaves the lag at 0. Once the channel stops (a pause, a restart), nothing is known about what the
 * source wrote since, so the lag keeps growing from where it stood. Thread-safe: the channel's worker
 * writes, a metrics scrape reads.
 */
final class ChannelLag {

    /** Source milliseconds of unheld changes, with their count. */
    private final TreeMap<Long, Integer> unheld = new TreeMap<>();
    private long lastReadMillis;
    private boolean behind;
    /** Set once stopped: the source time up to which the target was known to hold everything. */
    private Long heldUntilMillis;

    /** The messages of one poll, and whether the log held more than they. */
    synchronized void read(Collection<LogMessage> messages, boolean moreInLog) {
        for (LogMessage message : messages) {
            lastReadMillis = Math.max(lastReadMillis, message.position().physicalMillis());
            if (isChange(message)) {
                unheld.merge(message.position().physicalMillis(), 1, Integer::sum);
            }
        }
        behind = moreInLog;
    }

    /** The target acknowledged these messages. */
    synchronized void held(Collection<LogMessage> messages) {
        for (LogMessage message : messages) {
            if (isChange(message)) {
                unheld.computeIfPresent(message.position().physicalMillis(), (ms, count) -> count == 1 ? null : count - 1);
            }
        }
    }

    /** The channel stopped at {@code nowMillis}: from then on the lag grows with the clock. */
    synchronized void stopped(long nowMillis) {
        if (heldUntilMillis == null) {
            heldUntilMillis = nowMillis - Math.round(seconds(nowMillis) * 1000);
        }
    }

    synchronized double seconds(long nowMillis) {
        if (heldUntilMillis != null) {
            return Math.max(0, nowMillis - heldUntilMillis) / 1000.0;
        }
        long oldest = Long.MAX_VALUE;
        if (!unheld.isEmpty()) {
            oldest = unheld.firstKey();
        }
        if (behind && lastReadMillis > 0) {
            oldest = Math.min(oldest, lastReadMillis);
        }
        return oldest == Long.MAX_VALUE ? 0 : Math.max(0, nowMillis - oldest) / 1000.0;
    }

    private static boolean isChange(LogMessage message) {
        return !(message.event() instanceof ChangeEvent.TimeTick);
    }
}
