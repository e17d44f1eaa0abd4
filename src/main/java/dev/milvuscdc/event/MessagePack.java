package dev.milvuscdc.event;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages of one channel between two time ticks, in the order they must be applied. Once all
 * of them are applied, the task may store {@link #end()} as its position on the channel.
 *
 * @param messages     what remains to be applied, in order
 * @param end          the position to store once the pack is applied
 * @param wentAhead    the pack's inserts that were applied ahead of it, before its tick came
 * @param rewrittenRows rows of inserts among {@code messages} that were applied ahead and must be
 *                      written again over what the target holds (as upserts)
 * @param safeTick      the largest time a target may be told has passed once this pack is applied and
 *                      its end stored: no message a restart from {@code end} reads again is at or
 *                      before it (0 for a channel without time ticks)
 */
public record MessagePack(List<LogMessage> messages, ChannelPosition end, List<LogMessage> wentAhead,
                          long rewrittenRows, long safeTick) {

    public MessagePack {
        messages = List.copyOf(messages);
        wentAhead = List.copyOf(wentAhead);
    }

    /** A pack of a channel without time ticks. */
    public MessagePack(List<LogMessage> messages, ChannelPosition end) {
        this(messages, end, List.of(), 0, 0);
    }

    /** Whether some of the pack's rows were applied ahead and must be written again as upserts. */
    public boolean rewritesRows() {
        return rewrittenRows > 0;
    }

    /** Every change of the pack, whether it went ahead or not. */
    public List<LogMessage> allMessages() {
        if (wentAhead.isEmpty()) {
            return messages;
        }
        List<LogMessage> all = new ArrayList<>(wentAhead);
        all.addAll(messages);
        return all;
    }

    /**
     * Consecutive packs of one channel as one: applying it is applying them in turn, and its end is
     * the last one's. A worker that is behind joins what it has read, so the target gets fewer, larger calls.
     */
    public static MessagePack join(List<MessagePack> packs) {
        if (packs.size() == 1) {
            return packs.get(0);
        }
        List<LogMessage> messages = new ArrayList<>();
        List<LogMessage> wentAhead = new ArrayList<>();
        long rewritten = 0;
        for (MessagePack pack : packs) {
            messages.addAll(pack.messages());
            wentAhead.addAll(pack.wentAhead());
            rewritten += pack.rewrittenRows();
        }
        MessagePack last = packs.get(packs.size() - 1);
        return new MessagePack(messages, last.end(), wentAhead, rewritten, last.safeTick());
    }
}
