package dev.milvuscdc.event;

import java.util.ArrayList;
import java.util.List;

/**
 * The messages of one channel between two time ticks, in the order they must be applied. Once all
 * of them are applied, the task may store {@link #end()} as its position on the channel.
 */
public record MessagePack(List<LogMessage> messages, ChannelPosition end) {

    public MessagePack {
        messages = List.copyOf(messages);
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
        packs.forEach(pack -> messages.addAll(pack.messages()));
        return new MessagePack(messages, packs.get(packs.size() - 1).end());
    }
}
