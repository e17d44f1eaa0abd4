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
 * target must see them.
 *
 * <p>A tick with timestamp T releases the buffered messages with timestamps up to T, not the
 * messages before it in the log: Milvus 2.3.5 often writes a tick after a message whose timestamp
 * is larger than the tick's (observed on the rig, see docs/rig.md), and an upsert's insert and
 * delete may sit on both sides of such a tick. Released messages are ordered by timestamp, and at
 * equal timestamps deletes go first: Milvus writes an upsert as inserts and deletes of the same
 * keys at one timestamp and relies on the delete not removing the equal-timestamp insert; replayed
 * as target operations, the delete must go first.
 *
 * <p>A pack's end position is the last log position before the oldest message still buffered, so
 * that a restart from it reads every unreleased message again. Not thread-safe: one assembler
 * belongs to one channel worker.
 */
public final class PackAssembler {

    private static final Comparator<LogMessage> APPLY_ORDER = Comparator
            .comparingLong((LogMessage m) -> m.event().timestamp())
            .thenComparingInt(m -> m.event() instanceof ChangeEvent.Delete ? 0 : 1);

    /** Buffered messages in log order, each with the log position just before it. */
    private final List<Buffered> pending = new ArrayList<>();
    private ChannelPosition last;

    /** @param start the position the channel is read after */
    public PackAssembler(ChannelPosition start) {
        this.last = start;
    }

    /** Adds a message; when it is a time tick, returns the pack it releases. */
    public Optional<MessagePack> add(LogMessage message) {
        ChannelPosition before = last;
        last = message.position();
        if (!(message.event() instanceof ChangeEvent.TimeTick tick)) {
            pending.add(new Buffered(message, before));
            return Optional.empty();
        }
        List<LogMessage> released = new ArrayList<>();
        Iterator<Buffered> it = pending.iterator();
        while (it.hasNext()) {
            Buffered buffered = it.next();
            if (buffered.message().event().timestamp() <= tick.timestamp()) {
                released.add(buffered.message());
                it.remove();
            }
        }
        released.sort(APPLY_ORDER);
        ChannelPosition end = pending.isEmpty() ? message.position() : pending.get(0).before();
        return Optional.of(new MessagePack(released, end));
    }

    private record Buffered(LogMessage message, ChannelPosition before) {
    }
}
