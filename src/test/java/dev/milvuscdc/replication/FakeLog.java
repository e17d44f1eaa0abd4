package dev.milvuscdc.replication;

import com.google.protobuf.ByteString;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.source.log.ChannelReader;
import dev.milvuscdc.source.log.SourceLog;
import dev.milvuscdc.source.meta.MetaChange;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/** A log of fake channels: each opened channel is a {@link FakeReader}; every channel ends at message {@code end}. */
final class FakeLog implements SourceLog {

    static final String REPLICATE = "replicate";

    final Map<String, FakeReader> readers = new ConcurrentHashMap<>();
    volatile Consumer<MetaChange> watcher;

    @Override
    public String replicateChannel() {
        return REPLICATE;
    }

    @Override
    public ChannelReader open(String channel) {
        FakeReader reader = new FakeReader(channel);
        readers.put(channel, reader);
        return reader;
    }

    @Override
    public Map<String, ChannelPosition> endPositions(Collection<String> channels, Duration timeout) {
        Map<String, ChannelPosition> ends = new LinkedHashMap<>();
        channels.forEach(c -> ends.put(c, new ChannelPosition(c, "end", 0)));
        return ends;
    }

    @Override
    public ChannelPosition positionBefore(String channel, ByteString messageId) {
        return new ChannelPosition(channel, "before " + messageId.toStringUtf8(), 0);
    }

    @Override
    public ChannelPosition positionOf(String channel, ByteString messageId, long timestamp) {
        return new ChannelPosition(channel, messageId.toStringUtf8(), timestamp);
    }

    @Override
    public boolean isBefore(ChannelPosition a, ChannelPosition b) {
        return a.messageId().compareTo(b.messageId()) < 0;
    }
}
