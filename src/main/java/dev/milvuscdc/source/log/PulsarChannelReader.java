package dev.milvuscdc.source.log;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.pulsar.client.api.Message;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one Milvus channel (a non-partitioned Pulsar topic) with a reader that starts after the
 * task's position. A reader started after a message whose ledger retention removed begins at the
 * oldest message left without a word; so when the first message read is not the next entry of the
 * position's ledger, the broker is asked whether that ledger still exists, and a lost position is a
 * {@link PositionLostException}, never skipped.
 */
final class PulsarChannelReader implements ChannelReader {

    private static final Logger LOG = LoggerFactory.getLogger(PulsarChannelReader.class);
    private static final Duration SILENCE = Duration.ofSeconds(10);
    private static final int MAX_MESSAGES = 2000;
    // As much as one Kafka read brings (KafkaSource.FETCH_BYTES), and one target call takes.
    private static final long MAX_BYTES = 1024L * 1024;

    private final PulsarSource source;
    private final String channel;
    private Reader<byte[]> reader;
    /** The position the reader starts after. */
    private MessageIdAdv start;
    /** The position the reader started after, until a message after it is read. */
    private MessageIdAdv unconfirmedStart;
    private MessageIdAdv lastAtStart;
    private long lastHeard = System.nanoTime();

    PulsarChannelReader(PulsarSource source, String channel) {
        this.source = source;
        this.channel = channel;
    }

    @Override
    public String channel() {
        return channel;
    }

    /** The reader itself is created at the next read, which may wait for the broker and be interrupted. */
    @Override
    public void seekAfter(ChannelPosition position) {
        closeReader();
        start = PulsarMessageIds.decode(position.messageId());
        unconfirmedStart = start;
        lastHeard = System.nanoTime();
    }

    @Override
    public boolean writtenBeforeStart(ChannelPosition position) throws InterruptedException {
        if (lastAtStart == null) {
            try {
                lastAtStart = (MessageIdAdv) open().getLastMessageIds().get(0);
            } catch (PulsarClientException e) {
                throw PulsarFailures.classify("find the end of channel " + channel, source.address(), e);
            }
        }
        return PulsarMessageIds.ORDER.compare(PulsarMessageIds.decode(position.messageId()), lastAtStart) <= 0;
    }

    @Override
    public List<LogMessage> poll(Duration timeout) throws InterruptedException {
        List<LogMessage> messages = new ArrayList<>();
        try {
            Message<byte[]> message = open().readNext((int) timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (message == null) {
                checkBrokerWhenSilent();
                return messages;
            }
            lastHeard = System.nanoTime();
            long bytes = 0;
            for (int count = 0; message != null; count++) {
                if (isAfterStart((MessageIdAdv) message.getMessageId())) {
                    decode(message).ifPresent(messages::add);
                }
                bytes += message.size();
                message = count + 1 < MAX_MESSAGES && bytes < MAX_BYTES ? open().readNext(0, TimeUnit.MILLISECONDS) : null;
            }
            return messages;
        } catch (PulsarClientException e) {
            if (e.getCause() instanceof InterruptedException || Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("interrupted while reading channel " + channel);
            }
            throw PulsarFailures.classify("read channel " + channel, source.address(), e);
        }
    }

    @Override
    public boolean atEnd() throws InterruptedException {
        try {
            return !open().hasMessageAvailable();
        } catch (PulsarClientException e) {
            throw PulsarFailures.classify("find the end of channel " + channel, source.address(), e);
        }
    }

    /** A reader does not say when a message is waiting without asking the broker. */
    @Override
    public boolean behind() {
        return false;
    }

    /**
     * Whether a message comes after the position the reader started after: a reader started after
     * a whole entry (an id without batch index) gets that entry's batch again. The first message
     * after a start in the same ledger is the next entry; one in a later ledger is right only when
     * the start's ledger is still there (it ended with the start's message).
     */
    private boolean isAfterStart(MessageIdAdv id) throws InterruptedException {
        if (unconfirmedStart == null) {
            return true;
        }
        MessageIdAdv start = unconfirmedStart;
        if (PulsarMessageIds.ORDER.compare(id, start) <= 0) {
            return false;
        }
        unconfirmedStart = null;
        if (start.getLedgerId() < 0 || id.getLedgerId() == start.getLedgerId()) {
            return true;
        }
        List<Long> ledgers = source.topics().ledgers(channel);
        if (!ledgers.contains(start.getLedgerId())) {
            throw new PositionLostException(channel, "channel " + channel + ": the task's position (ledger "
                    + start.getLedgerId() + ", entry " + start.getEntryId() + ") is no longer in Pulsar, whose topic "
                    + source.topic(channel) + " holds ledgers " + ledgers + " and would go on at " + id
                    + "; the changes in between are lost to the task (the namespace's retention removed them, or the topic"
                    + " was re-created). Re-create the task to start again from now", null);
        }
        return true;
    }

    /**
     * Pulsar's reader waits for an unreachable broker without failing, so an outage would look like
     * a quiet channel; a live source ticks every channel several times a second.
     */
    private void checkBrokerWhenSilent() {
        if (System.nanoTime() - lastHeard >= SILENCE.toNanos() && !reader.isConnected()) {
            lastHeard = System.nanoTime();
            throw new PulsarLogException("cannot read channel " + channel + ": not connected to Pulsar " + source.address()
                    + " for " + SILENCE.toSeconds() + " s; check that the broker is up and sourceConfig.pulsar.address", null, true);
        }
    }

    private Reader<byte[]> open() throws InterruptedException {
        if (start == null) {
            throw new IllegalStateException("channel " + channel + ": read before seekAfter");
        }
        if (reader == null) {
            try {
                reader = source.reader(channel, start);
            } catch (PulsarClientException e) {
                throw PulsarFailures.classify("read channel " + channel, source.address(), e);
            }
        }
        return reader;
    }

    private Optional<LogMessage> decode(Message<byte[]> message) {
        try {
            String id = PulsarMessageIds.encode(message.getMessageId());
            return MessageDecoder.decode(UnsafeByteOperations.unsafeWrap(message.getData()))
                    .map(e -> new LogMessage(new ChannelPosition(channel, id, e.timestamp()), e));
        } catch (InvalidProtocolBufferException e) {
            throw new LogDecodeException("cannot decode the message " + message.getMessageId() + " of channel " + channel
                    + ": " + e.getMessage() + "; is sourceConfig pointing at a Milvus 2.3 Pulsar?", e);
        }
    }

    private void closeReader() {
        if (reader != null) {
            try {
                reader.close();
            } catch (IOException e) {
                LOG.debug("channel {}: closing its reader: {}", channel, e.toString());
            }
            reader = null;
        }
    }

    @Override
    public void close() {
        closeReader();
    }
}
