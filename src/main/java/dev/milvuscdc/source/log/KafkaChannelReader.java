package dev.milvuscdc.source.log;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Reads one Milvus channel (a Kafka topic, partition 0). The consumer never resets its offset by
 * itself ({@code auto.offset.reset=none}): a position the topic no longer holds is reported as a
 * {@link PositionLostException} naming the stored and the oldest available offsets, never skipped.
 */
final class KafkaChannelReader implements ChannelReader {

    private static final Duration SILENCE = Duration.ofSeconds(10);
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(5);

    private final String channel;
    private final KafkaSource source;
    private final TopicPartition partition;
    private final KafkaConsumer<byte[], ByteBuffer> consumer;
    private long lastHeard = System.nanoTime();
    /** The channel's end offset when this reader started; -1 until known. */
    private long endAtStart = -1;
    private long seekOffset;

    KafkaChannelReader(KafkaSource source, String channel) {
        this.channel = channel;
        this.source = source;
        this.partition = new TopicPartition(channel, 0);
        this.consumer = source.consumer();
        consumer.assign(List.of(partition));
    }

    @Override
    public String channel() {
        return channel;
    }

    @Override
    public void seekAfter(ChannelPosition position) {
        seekOffset = KafkaMessageIds.decode(position.messageId()) + 1;
        consumer.seek(partition, seekOffset);
    }

    @Override
    public boolean writtenBeforeStart(ChannelPosition position) throws InterruptedException {
        if (endAtStart < 0) {
            endAtStart = kafka("find the end of channel " + channel,
                    () -> consumer.endOffsets(List.of(partition), BROKER_TIMEOUT).get(partition));
        }
        return KafkaMessageIds.decode(position.messageId()) < endAtStart;
    }

    @Override
    public List<LogMessage> poll(Duration timeout) throws InterruptedException {
        ConsumerRecords<byte[], ByteBuffer> records = kafka("read channel " + channel, () -> consumer.poll(timeout));
        if (records.isEmpty()) {
            checkBrokerWhenSilent();
        } else {
            lastHeard = System.nanoTime();
        }
        List<LogMessage> messages = new ArrayList<>();
        for (ConsumerRecord<byte[], ByteBuffer> record : records) {
            Optional<ChangeEvent> event = decode(record);
            event.ifPresent(e -> messages.add(new LogMessage(
                    new ChannelPosition(channel, KafkaMessageIds.encode(record.offset()), e.timestamp()), e)));
        }
        return messages;
    }

    @Override
    public boolean behind() {
        OptionalLong lag = consumer.currentLag(partition);
        return lag.isPresent() && lag.getAsLong() > 0;
    }

    @Override
    public boolean atEnd() throws InterruptedException {
        long end = kafka("find the end of channel " + channel,
                () -> consumer.endOffsets(List.of(partition), BROKER_TIMEOUT).get(partition));
        return kafka("find the reading position of channel " + channel, () -> consumer.position(partition, BROKER_TIMEOUT)) >= end;
    }

    /**
     * Kafka's consumer waits for an unreachable broker without failing, so an outage would look like
     * a quiet channel. After {@link #SILENCE} without a message (a live source ticks every DML
     * channel several times a second), the reader asks for the channel's end offset, which does fail
     * while the broker cannot be reached.
     */
    private void checkBrokerWhenSilent() throws InterruptedException {
        if (System.nanoTime() - lastHeard < SILENCE.toNanos()) {
            return;
        }
        kafka("reach the broker for channel " + channel, () -> consumer.endOffsets(List.of(partition), BROKER_TIMEOUT));
        lastHeard = System.nanoTime();
    }

    /** Runs one consumer call, turning Kafka's failures into what the engine acts on. */
    private <T> T kafka(String what, Supplier<T> call) throws InterruptedException {
        try {
            return call.get();
        } catch (org.apache.kafka.common.errors.InterruptException e) {
            throw new InterruptedException("interrupted while trying to " + what);
        } catch (OffsetOutOfRangeException e) {
            throw positionLost(e);
        } catch (TimeoutException e) {
            throw new SourceLogException("cannot " + what + ": Kafka " + source.bootstrap() + " did not answer within "
                    + BROKER_TIMEOUT.toSeconds() + " s; check that the broker is up and sourceConfig.kafka.address", e, true);
        } catch (KafkaException e) {
            throw KafkaFailures.classify(what, source.bootstrap(), e);
        }
    }

    private PositionLostException positionLost(OffsetOutOfRangeException e) {
        String oldest;
        String end;
        try {
            oldest = Long.toString(consumer.beginningOffsets(List.of(partition), BROKER_TIMEOUT).get(partition));
            end = Long.toString(consumer.endOffsets(List.of(partition), BROKER_TIMEOUT).get(partition));
        } catch (KafkaException unknown) {
            oldest = "unknown";
            end = "unknown";
        }
        return new PositionLostException(channel, "channel " + channel + ": the task's position (the next offset to read is "
                + seekOffset + ") is no longer in Kafka, which holds offsets " + oldest + " to " + end
                + "; the changes in between are lost to the task (the topic's retention removed them, or the topic was"
                + " re-created). Re-create the task to start again from now", e);
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    private Optional<ChangeEvent> decode(ConsumerRecord<byte[], ByteBuffer> record) {
        try {
            return MessageDecoder.decode(UnsafeByteOperations.unsafeWrap(record.value()));
        } catch (InvalidProtocolBufferException e) {
            throw new LogDecodeException("cannot decode the message at offset " + record.offset() + " of channel "
                    + channel + ": " + e.getMessage() + "; is sourceConfig pointing at a Milvus 2.3 Kafka?", e);
        }
    }
}
