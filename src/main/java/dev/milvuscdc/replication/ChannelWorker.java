package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.event.MessagePack;
import dev.milvuscdc.pipeline.PackAssembler;
import dev.milvuscdc.pipeline.PositionCommitter;
import dev.milvuscdc.pipeline.TickWatermarks;
import dev.milvuscdc.source.log.ChannelReader;
import dev.milvuscdc.source.log.PositionLostException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Replays one source channel: reads it, applies its packs in order, and reports a pack's end as
 * acknowledged once the target accepted all of it and everything before it. DML channels form
 * packs at time ticks; the replicate channel has no ticks, so each of its messages is a pack of its
 * own. Channels run in parallel, each on its own thread; within a channel, changes of one row keep
 * the source's order, and other changes wait for the row changes before them.
 */
final class ChannelWorker implements ReplicationWorker.Loop {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);
    /** Five of a Milvus 2.3 source's ticks: a channel it still ticks is never this quiet. */
    static final Duration IDLE_AFTER = Duration.ofSeconds(1);

    private final ChannelReader reader;
    private final boolean ticked;
    private final ChangeApplier applier;
    private final PositionCommitter committer;
    private final Retrier retrier;
    private final PackAssembler assembler;
    private final Deque<Applying> unacknowledged = new ArrayDeque<>();
    /**
     * Told, with {@code read}, of the time tick up to which this channel has been read, and with
     * {@code write}, of the one up to which the target holds its changes.
     */
    private final BiConsumer<String, ChannelPosition> progress;
    private final Runnable positionLost;
    private final ChannelLag lag;
    private final Optional<TickWatermarks> watermarks;
    private long quietSince = System.nanoTime();

    /**
     * @param start        the position the reader stands on
     * @param positionLost told when the log no longer holds what follows the channel's position
     * @param lag          told what was read and what the target acknowledged
     */
    ChannelWorker(ChannelReader reader, ChannelPosition start, boolean ticked, ChangeApplier applier,
            PositionCommitter committer, Retrier retrier, BiConsumer<String, ChannelPosition> progress,
            Runnable positionLost, ChannelLag lag) {
        this(reader, start, ticked, applier, committer, retrier, progress, positionLost, lag, Optional.empty());
    }

    /**
     * @param watermarks present in the replicate write mode, told of every acknowledged pack; row
     *                   changes then go to the target as they are read ({@link PackAssembler#forwarding}),
     *                   which keeps them until the task's own tick passes them: when the source's tick
     *                   comes, only the positions are left to store before the task ticks
     */
    ChannelWorker(ChannelReader reader, ChannelPosition start, boolean ticked, ChangeApplier applier,
            PositionCommitter committer, Retrier retrier, BiConsumer<String, ChannelPosition> progress,
            Runnable positionLost, ChannelLag lag, Optional<TickWatermarks> watermarks) {
        this.watermarks = watermarks;
        this.reader = reader;
        this.assembler = watermarks.isPresent() ? PackAssembler.forwarding(start) : new PackAssembler(start);
        this.ticked = ticked;
        this.applier = applier;
        this.committer = committer;
        this.retrier = retrier;
        this.progress = progress;
        this.positionLost = positionLost;
        this.lag = lag;
    }

    @Override
    public String name() {
        return reader.channel();
    }

    /**
     * Applies the packs that one read completed as one: a worker that falls behind reads many packs
     * at once, and joining them lets the target take them in fewer, larger calls. The applier keeps
     * calls in flight while the worker reads on; a pack's end is acknowledged once every call up to
     * its last one has succeeded. A pack that holds a message written before the task started may
     * have been applied by the task's previous run, whose position was not stored yet: it is
     * replayed, its inserts as upserts. Then the inserts the assembler lets go ahead of their tick
     * are applied at once; they are acknowledged with the pack that their tick releases.
     */
    @Override
    public void runOnce() throws InterruptedException {
        List<LogMessage> messages;
        try {
            messages = retrier.call("read channel " + reader.channel(), () -> reader.poll(POLL_TIMEOUT));
        } catch (PositionLostException e) {
            positionLost.run();
            throw e;
        }
        lag.read(messages, reader.behind());
        List<MessagePack> packs = new ArrayList<>();
        ChannelPosition releasedBy = null;
        for (LogMessage message : messages) {
            Optional<MessagePack> pack = ticked
                    ? assembler.add(message)
                    : Optional.of(new MessagePack(List.of(message), message.position()));
            if (pack.isPresent()) {
                packs.add(pack.get());
                releasedBy = message.position();
            }
        }
        if (!packs.isEmpty()) {
            MessagePack joined = MessagePack.join(packs);
            boolean replayed = joined.rewritesRows() || writtenBeforeStart(joined.messages());
            progress.accept("read", releasedBy);
            unacknowledged.add(new Applying(applier.apply(joined, replayed), joined, releasedBy));
        }
        if (ticked) {
            List<LogMessage> ahead = assembler.takeAhead();
            if (!ahead.isEmpty()) {
                applier.applyAhead(ahead, writtenBeforeStart(ahead));
            }
        }
        acknowledgeCompleted();
        if (watermarks.isPresent()) {
            reportIdleWhenQuiet(watermarks.get(), messages.isEmpty());
        }
    }

    /**
     * In the replicate write mode: a channel that read nothing for {@link #IDLE_AFTER}, holds nothing
     * back, and that the broker confirms is read to its end, is idle ({@link TickWatermarks#idle}). The
     * broker is asked at most once per {@link #IDLE_AFTER}.
     */
    private void reportIdleWhenQuiet(TickWatermarks marks, boolean readNothing) throws InterruptedException {
        long now = System.nanoTime();
        if (!readNothing || assembler.holdsMessages() || !unacknowledged.isEmpty()) {
            quietSince = now;
            return;
        }
        if (now - quietSince >= IDLE_AFTER.toNanos()) {
            quietSince = now;
            if (retrier.call("find the end of channel " + reader.channel(), reader::atEnd)) {
                marks.idle(reader.channel());
            }
        }
    }

    private boolean writtenBeforeStart(List<LogMessage> messages) throws InterruptedException {
        return retrier.call("find where channel " + reader.channel() + " ended when the task started", () -> {
            for (LogMessage message : messages) {
                if (reader.writtenBeforeStart(message.position())) {
                    return true;
                }
            }
            return false;
        });
    }

    private void acknowledgeCompleted() throws InterruptedException {
        long completed = applier.completedThrough();
        while (!unacknowledged.isEmpty() && unacknowledged.peek().lastCall() <= completed) {
            Applying done = unacknowledged.poll();
            committer.acknowledged(done.pack().end());
            watermarks.ifPresent(marks -> marks.acknowledged(done.pack().end(), done.pack().safeTick()));
            lag.held(done.pack().allMessages());
            progress.accept("write", done.releasedBy());
        }
    }

    /** A pack handed to the applier: its last target call, the pack, and the message that released it. */
    private record Applying(long lastCall, MessagePack pack, ChannelPosition releasedBy) {
    }

    @Override
    public void close() {
        lag.stopped(System.currentTimeMillis());
        try {
            reader.close();
        } finally {
            applier.close();
        }
    }
}
