package dev.milvuscdc.source.log;

import com.google.protobuf.ByteString;
import dev.milvuscdc.event.ChannelPosition;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * The source Milvus's log: the message queue that holds its channels. Opens readers and knows the
 * queue's message ids, so that nothing outside this package depends on the queue's client.
 */
public interface SourceLog {

    /** The channel of DDL, index, load and flush operations (no time ticks), read by every task. */
    String replicateChannel();

    /** A reader of one channel, not positioned yet. */
    ChannelReader open(String channel);

    /**
     * For each channel, the position just before the next message it will get: a reader that seeks
     * after it reads only what is written from now on.
     */
    Map<String, ChannelPosition> endPositions(Collection<String> channels, Duration timeout) throws InterruptedException;

    /**
     * The position just before a message, given the message-queue id Milvus recorded for it (a
     * collection's start position on a channel): a reader that seeks after it reads that message first.
     */
    ChannelPosition positionBefore(String channel, ByteString messageId);

    /** The position of a message itself, given its message-queue id: a reader that seeks after it reads the next one. */
    ChannelPosition positionOf(String channel, ByteString messageId, long timestamp);

    /** True when {@code a} names an earlier message of the channel than {@code b}. */
    boolean isBefore(ChannelPosition a, ChannelPosition b);
}
