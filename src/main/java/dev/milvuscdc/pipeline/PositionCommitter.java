package dev.milvuscdc.pipeline;

import dev.milvuscdc.event.ChannelPosition;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Owns a task's positions: channel workers report what the target has acknowledged, and a flush
 * writes the changed ones to the store. Only acknowledged positions are ever written, so a restart
 * replays at most what was applied after the last flush; the target operations are idempotent, so
 * that replay changes nothing.
 *
 * <p>A stored position never goes backwards: each channel acknowledges its positions in order, and
 * flushes are serialized, so a later flush always writes what an earlier one wrote or newer; a
 * failed flush puts its positions back only where nothing newer was acknowledged since, for the
 * next flush. Thread-safe.
 */
public final class PositionCommitter {

    private final Consumer<Collection<ChannelPosition>> sink;
    private final Map<String, ChannelPosition> acknowledged = new LinkedHashMap<>();
    private final Map<String, ChannelPosition> unflushed = new LinkedHashMap<>();
    private final Object flushing = new Object();
    private boolean frozen;

    /** @param sink writes positions durably and atomically; may throw, and is then retried on the next flush */
    public PositionCommitter(Map<String, ChannelPosition> stored, Consumer<Collection<ChannelPosition>> sink) {
        this.sink = sink;
        this.acknowledged.putAll(stored);
    }

    /** The target holds everything of the channel up to and including this position. */
    public synchronized void acknowledged(ChannelPosition position) {
        acknowledged.put(position.channel(), position);
        unflushed.put(position.channel(), position);
    }

    public synchronized Map<String, ChannelPosition> positions() {
        return Map.copyOf(acknowledged);
    }

    /**
     * Writes these older positions instead, so that the task reads again from them: the one case
     * where a stored position goes back, on purpose (see the engine's ReplayWindow). A running task
     * {@link #freeze}s first, since what its channels acknowledge meanwhile must not be stored.
     */
    public void rewindTo(Collection<ChannelPosition> older) {
        synchronized (flushing) {
            sink.accept(older);
            synchronized (this) {
                for (ChannelPosition position : older) {
                    acknowledged.put(position.channel(), position);
                    unflushed.remove(position.channel());
                }
            }
        }
    }

    /** From now on nothing is stored, but by {@link #rewindTo}: the caller replaces the task's run. */
    public void freeze() {
        synchronized (flushing) {
            frozen = true;
        }
    }

    /** Writes the positions acknowledged since the last successful flush; nothing once frozen. */
    public void flush() {
        synchronized (flushing) {
            if (frozen) {
                return;
            }
            List<ChannelPosition> batch;
            synchronized (this) {
                if (unflushed.isEmpty()) {
                    return;
                }
                batch = List.copyOf(unflushed.values());
                unflushed.clear();
            }
            try {
                sink.accept(batch);
            } catch (RuntimeException e) {
                synchronized (this) {
                    batch.forEach(p -> unflushed.putIfAbsent(p.channel(), p));
                }
                throw e;
            }
        }
    }
}
