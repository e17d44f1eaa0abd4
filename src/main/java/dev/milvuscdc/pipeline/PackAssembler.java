package dev.milvuscdc.pipeline;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.event.MessagePack;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Gathers the messages of one DML channel into packs closed by time ticks, in the order the target
 * must see them: by timestamp, and at equal timestamps deletes before inserts. Milvus writes an
 * upsert as inserts followed by deletes of the same keys at one timestamp and relies on the delete
 * not removing the equal-timestamp insert; replayed as target operations, the delete must go first.
 * Not thread-safe: one assembler belongs to one channel worker.
 */
public final class PackAssembler {

    private static final Comparator<LogMessage> APPLY_ORDER = Comparator
            .comparingLong((LogMessage m) -> m.event().timestamp())
            .thenComparingInt(m -> m.event() instanceof ChangeEvent.Delete ? 0 : 1);

    private final List<LogMessage> pending = new ArrayList<>();

    /** Adds a message; when it is a time tick, returns the pack it closes. */
    public Optional<MessagePack> add(LogMessage message) {
        if (!(message.event() instanceof ChangeEvent.TimeTick)) {
            pending.add(message);
            return Optional.empty();
        }
        List<LogMessage> ordered = new ArrayList<>(pending);
        ordered.sort(APPLY_ORDER);
        pending.clear();
        return Optional.of(new MessagePack(ordered, message.position()));
    }
}
