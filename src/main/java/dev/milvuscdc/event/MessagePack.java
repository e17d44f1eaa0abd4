package dev.milvuscdc.event;

import java.util.List;

/**
 * The messages of one channel between two time ticks, in the order they must be applied. Once all
 * of them are applied, the task may store {@link #end()} as its position on the channel.
 */
public record MessagePack(List<LogMessage> messages, ChannelPosition end) {

    public MessagePack {
        messages = List.copyOf(messages);
    }
}
