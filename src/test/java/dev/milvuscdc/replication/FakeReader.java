package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.source.log.ChannelReader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * A channel that hands out the messages a test queued, one batch per poll, or fails as told;
 * message ids are decimal offsets. Thread-safe, so a test may queue while a worker polls.
 */
final class FakeReader implements ChannelReader {

    private final String channel;
    private final ConcurrentLinkedDeque<List<LogMessage>> batches = new ConcurrentLinkedDeque<>();
    volatile long endAtStart;
    volatile Throwable failure;
    volatile ChannelPosition seekedAfter;

    FakeReader(String channel) {
        this.channel = channel;
    }

    void next(LogMessage... messages) {
        batches.add(new ArrayList<>(List.of(messages)));
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public void seekAfter(ChannelPosition position) {
        seekedAfter = position;
    }

    @Override
    public List<LogMessage> poll(Duration timeout) throws InterruptedException {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        List<LogMessage> batch = batches.poll();
        if (batch == null) {
            Thread.sleep(10);
            return List.of();
        }
        return batch;
    }

    @Override
    public boolean writtenBeforeStart(ChannelPosition position) {
        return Long.parseLong(position.messageId()) < endAtStart;
    }

    @Override
    public boolean behind() {
        return !batches.isEmpty();
    }

    @Override
    public boolean atEnd() {
        return batches.isEmpty();
    }

    @Override
    public void close() {
    }
}
