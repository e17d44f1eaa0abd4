package dev.milvuscdc.pipeline;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.event.MessagePack;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/**
 * Gathers the messages of one DML channel into packs released by time ticks, in the order the
 * target must see them, and lets inserts go ahead of their tick where that cannot change the result.
 *
 * <p>A tick with timestamp T releases the buffered messages with timestamps up to T, not the
 * messages before it in the log: Milvus 2.3.5 often writes a tick after a message whose timestamp
 * is larger than the tick's (observed on the rig, see docs/rig.md), and an upsert's insert and
 * delete may sit on both sides of such a tick. Released messages are ordered by timestamp, and at
 * equal timestamps deletes go first: Milvus writes an upsert as inserts and deletes of the same
 * keys at one timestamp and relies on the delete not removing the equal-timestamp insert; replayed
 * as target operations, the delete must go first.
 *
 * <p>Inserts ahead of their tick: the tick that releases an insert comes 300-400 ms after it on
 * Milvus 2.3.5 (measured on the rig: ticks every 200 ms carry a timestamp behind the inserts
 * written just before them), most of the lag the CDC adds. Inserts commute with inserts, so only
 * a delete can make an insert applied early wrong: a delete at or before the insert's timestamp
 * that the target gets after the insert removes a row the source kept. {@link #takeAhead()} hands
 * out the buffered inserts while no delete or other change is buffered and the last pack held no
 * delete, so a stream of inserts goes ahead and a stream of upserts keeps waiting for its ticks.
 * When a delete is released after an insert of its collection went ahead with a timestamp at or
 * after the delete's, that insert is released again in its place and its pack is marked
 * {@link MessagePack#rewritesRows()}: written as upserts, its rows end as the source's did.
 *
 * <p>A pack's end position is the last log position before the oldest message still buffered, so
 * that a restart from it reads every unreleased message again, including those that went ahead
 * (which are then written as upserts, as any replay). A restart from it also reads again the
 * released messages that follow that oldest one in the log: a pack's {@link MessagePack#safeTick()}
 * stays below their timestamps, for a target that must never be told a time passed before a
 * message it may get again (the replicate write mode). Not thread-safe: one assembler belongs to
 * one channel worker.
 *
 * <p>{@link #forwarding} makes the assembler of a channel whose messages the target gets as they are,
 * in the replicate write mode: there every row change goes ahead, in log order up to the first other
 * change, and nothing is ever written again, since the target keeps each message until the task's own
 * tick passes it and then orders what it released by timestamp itself, as the source's consumers do.
 */
public final class PackAssembler {

    private static final Comparator<LogMessage> APPLY_ORDER = Comparator
            .comparingLong((LogMessage m) -> m.event().timestamp())
            .thenComparingInt(m -> m.event() instanceof ChangeEvent.Delete ? 0 : 1);

    /** Buffered messages in log order, each with the log position just before it. */
    private final List<Buffered> pending = new ArrayList<>();
    private ChannelPosition last;
    /** The log order of the next message added. */
    private long sequence;
    private boolean lastPackDeleted;
    private final boolean forwarding;

    /** @param start the position the channel is read after */
    public PackAssembler(ChannelPosition start) {
        this(start, false);
    }

    private PackAssembler(ChannelPosition start, boolean forwarding) {
        this.last = start;
        this.forwarding = forwarding;
    }

    /** The assembler of a channel whose messages the target gets as they are (see above). */
    public static PackAssembler forwarding(ChannelPosition start) {
        return new PackAssembler(start, true);
    }

    /** Whether messages wait for a time tick to release them. */
    public boolean holdsMessages() {
        return !pending.isEmpty();
    }

    /** Adds a message; when it is a time tick, returns the pack it releases. */
    public Optional<MessagePack> add(LogMessage message) {
        ChannelPosition before = last;
        last = message.position();
        if (!(message.event() instanceof ChangeEvent.TimeTick tick)) {
            pending.add(new Buffered(message, before, sequence++));
            return Optional.empty();
        }
        List<Buffered> released = new ArrayList<>();
        Iterator<Buffered> it = pending.iterator();
        while (it.hasNext()) {
            Buffered buffered = it.next();
            if (buffered.message().event().timestamp() <= tick.timestamp()) {
                released.add(buffered);
                it.remove();
            }
        }
        lastPackDeleted = false;
        for (Buffered buffered : released) {
            if (!forwarding && buffered.message().event() instanceof ChangeEvent.Delete delete) {
                lastPackDeleted = true;
                undoAheadInsertsAfter(delete, released);
                undoAheadInsertsAfter(delete, pending);
            }
        }
        List<LogMessage> toApply = new ArrayList<>();
        List<LogMessage> wentAhead = new ArrayList<>();
        long rewritten = 0;
        for (Buffered buffered : released) {
            switch (buffered.state) {
                case AHEAD -> wentAhead.add(buffered.message());
                case UNDONE -> {
                    toApply.add(buffered.message());
                    rewritten += ((ChangeEvent.Insert) buffered.message().event()).rowCount();
                }
                case WAITING -> toApply.add(buffered.message());
            }
        }
        toApply.sort(APPLY_ORDER);
        ChannelPosition end = pending.isEmpty() ? message.position() : pending.get(0).before();
        return Optional.of(new MessagePack(toApply, end, wentAhead, rewritten, safeTick(tick.timestamp(), released)));
    }

    /**
     * The buffered messages that may be applied now, ahead of the tick that will release them; each
     * is handed out once. Inserts only, and none while a delete or another change waits or the last
     * pack held a delete; when {@link #forwarding}, row changes in log order up to the first other change.
     */
    public List<LogMessage> takeAhead() {
        if (!forwarding && (lastPackDeleted
                || pending.stream().anyMatch(b -> !(b.message().event() instanceof ChangeEvent.Insert)))) {
            return List.of();
        }
        List<LogMessage> ahead = new ArrayList<>();
        for (Buffered buffered : pending) {
            if (forwarding && RowRun.of(buffered.message().event()).isEmpty()) {
                break;
            }
            if (buffered.state == State.WAITING) {
                buffered.state = State.AHEAD;
                ahead.add(buffered.message());
            }
        }
        return ahead;
    }

    /**
     * The tick, or just below the oldest released message that a restart from the pack's end reads
     * again: those after the oldest message still buffered, in log order.
     */
    private long safeTick(long tick, List<Buffered> released) {
        if (pending.isEmpty()) {
            return tick;
        }
        long oldestBuffered = pending.get(0).sequence;
        long safe = tick;
        for (Buffered buffered : released) {
            if (buffered.sequence > oldestBuffered) {
                safe = Math.min(safe, buffered.message().event().timestamp() - 1);
            }
        }
        return safe;
    }

    private static void undoAheadInsertsAfter(ChangeEvent.Delete delete, List<Buffered> buffer) {
        for (Buffered buffered : buffer) {
            if (buffered.state == State.AHEAD
                    && buffered.message().event() instanceof ChangeEvent.Insert insert
                    && insert.collectionId() == delete.collectionId()
                    && insert.timestamp() >= delete.timestamp()) {
                buffered.state = State.UNDONE;
            }
        }
    }

    private enum State {
        /** Waits for its tick. */
        WAITING,
        /** An insert applied ahead of its tick. */
        AHEAD,
        /** An insert applied ahead that a delete released since may have removed: to be written again. */
        UNDONE
    }

    private static final class Buffered {
        private final LogMessage message;
        private final ChannelPosition before;
        private final long sequence;
        private State state = State.WAITING;

        Buffered(LogMessage message, ChannelPosition before, long sequence) {
            this.message = message;
            this.before = before;
            this.sequence = sequence;
        }

        LogMessage message() {
            return message;
        }

        ChannelPosition before() {
            return before;
        }
    }
}
