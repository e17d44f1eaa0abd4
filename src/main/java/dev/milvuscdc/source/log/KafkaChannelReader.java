package dev.milvuscdc.source.log;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads one Milvus channel (a Kafka topic, partition 0) from a stored position on. Not
 * thread-safe: one reader belongs to one channel worker thread.
 */
public final class KafkaChannelReader implements AutoCloseable {

    // What one read may bring, and so what one joined pack may hold in memory. Not a limit on a
    // message: Kafka returns a first batch larger than this whole, so Milvus's 64 MB messages still pass.
    private static final int FETCH_BYTES = 16 * 1024 * 1024;
    private static final Duration SILENCE = Duration.ofSeconds(10);
    private static final Duration BROKER_TIMEOUT = Duration.ofSeconds(5);

    private final String channel;
    private final String bootstrap;
    private final TopicPartition partition;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private long lastHeard = System.nanoTime();
    /** The channel's end offset when this reader started; -1 until known. */
    private long endAtStart = -1;

    public KafkaChannelReader(KafkaSource source, String channel) {
        this.channel = channel;
        this.bootstrap = source.bootstrap();
        this.partition = new TopicPartition(channel, 0);
        this.consumer = new KafkaConsumer<>(properties(source), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        consumer.assign(List.of(partition));
    }

    /**
     * Positions the reader just after {@code position}, or at the end of the channel when there is
     * none; returns the position it now stands on (the last message it will not read).
     */
    public ChannelPosition seekAfter(Optional<ChannelPosition> position) {
        if (position.isPresent()) {
            consumer.seek(partition, KafkaMessageIds.decode(position.get().messageId()) + 1);
            return position.get();
        }
        long end = consumer.endOffsets(List.of(partition), Duration.ofSeconds(30)).get(partition);
        consumer.seek(partition, end);
        endAtStart = end;
        return new ChannelPosition(channel, KafkaMessageIds.encode(end - 1), 0);
    }

    /**
     * Whether the message at {@code position} was already in the channel when this reader started,
     * so that an earlier reader may have seen it. The first call after a seek to a stored position
     * asks the broker for the end offset, and fails like {@link #poll} while it cannot be reached.
     */
    public boolean writtenBeforeStart(ChannelPosition position) {
        if (endAtStart < 0) {
            try {
                endAtStart = consumer.endOffsets(List.of(partition), BROKER_TIMEOUT).get(partition);
            } catch (TimeoutException e) {
                throw brokerSilent(e);
            }
        }
        return KafkaMessageIds.decode(position.messageId()) < endAtStart;
    }

    /**
     * The next messages of the channel, waiting up to {@code timeout} for some. Messages of types a
     * CDC does not replay come back as nothing; a payload that cannot be decoded is an error, since
     * skipping it would lose data silently.
     */
    public List<LogMessage> poll(Duration timeout) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(timeout);
        if (records.isEmpty()) {
            checkBrokerWhenSilent();
        } else {
            lastHeard = System.nanoTime();
        }
        List<LogMessage> messages = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            Optional<ChangeEvent> event = decode(record);
            event.ifPresent(e -> messages.add(new LogMessage(
                    new ChannelPosition(channel, KafkaMessageIds.encode(record.offset()), e.timestamp()), e)));
        }
        return messages;
    }

    /**
     * Kafka's consumer waits for an unreachable broker without failing, so an outage would look like
     * a quiet channel. After {@link #SILENCE} without a message (a live source ticks every DML
     * channel several times a second), the reader asks for the channel's end offset, which does fail
     * (with a {@code TimeoutException}) while the broker cannot be reached.
     */
    private void checkBrokerWhenSilent() {
        if (System.nanoTime() - lastHeard < SILENCE.toNanos()) {
            return;
        }
        try {
            consumer.endOffsets(List.of(partition), BROKER_TIMEOUT);
        } catch (TimeoutException e) {
            throw brokerSilent(e);
        }
        lastHeard = System.nanoTime();
    }

    private KafkaException brokerSilent(TimeoutException e) {
        return new KafkaException("Kafka " + bootstrap + " did not answer for channel " + channel + " within "
                + BROKER_TIMEOUT.toSeconds() + " s; check that the broker is up and sourceConfig.kafka.address", e);
    }

    public String channel() {
        return channel;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }

    private Optional<ChangeEvent> decode(ConsumerRecord<byte[], byte[]> record) {
        try {
            return MessageDecoder.decode(record.value());
        } catch (InvalidProtocolBufferException e) {
            throw new LogDecodeException("cannot decode the message at offset " + record.offset() + " of channel "
                    + channel + ": " + e.getMessage() + "; is sourceConfig pointing at a Milvus 2.3 Kafka?", e);
        }
    }

    private static Properties properties(KafkaSource source) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, source.bootstrap());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        for (Map.Entry<String, String> extra : source.clientProperties().entrySet()) {
            props.put(extra.getKey(), extra.getValue());
        }
        return props;
    }
}
