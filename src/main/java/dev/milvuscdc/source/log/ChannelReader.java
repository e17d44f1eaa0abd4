package dev.milvuscdc.source.log;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import java.time.Duration;
import java.util.List;

/**
 * Reads one source channel from a position on, decoding each message into a {@link LogMessage}.
 * Failures are {@link SourceLogException}s: retriable while the broker may come back, and
 * {@link PositionLostException} when the log no longer holds what follows the position. Not
 * thread-safe: one reader belongs to one channel worker thread.
 */
public interface ChannelReader extends AutoCloseable {

    String channel();

    /** Positions the reader just after {@code position}, the last message it will not read. */
    void seekAfter(ChannelPosition position);

    /**
     * The next messages of the channel, waiting up to {@code timeout} for some. Messages of types a
     * CDC does not replay come back as nothing; a payload that cannot be decoded is an error, since
     * skipping it would lose data silently.
     */
    List<LogMessage> poll(Duration timeout) throws InterruptedException;

    /**
     * Whether the message at {@code position} was already in the channel when this reader started,
     * so that an earlier run of the task may have applied it.
     */
    boolean writtenBeforeStart(ChannelPosition position) throws InterruptedException;

    /**
     * Whether the log held more than the last {@link #poll} returned, as far as the reader knows
     * without asking the broker (false when it does not know).
     */
    boolean behind();

    /**
     * Asks the broker whether this reader has read everything the channel holds now: a round trip,
     * for a caller that must tell a quiet channel from a slow or unreachable one.
     */
    boolean atEnd() throws InterruptedException;

    @Override
    void close();
}
