package dev.milvuscdc.source.log;

import com.google.protobuf.ByteString;
import dev.milvuscdc.event.ChannelPosition;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteBufferDeserializer;

/**
 * The source's Kafka: one topic (partition 0) per Milvus channel.
 *
 * @param bootstrap        {@code sourceConfig.kafka.address}
 * @param clientProperties extra consumer properties ({@code sourceConfig.kafka.consumer} and security)
 * @param replicateChannel {@code sourceConfig.replicateChan}, e.g. {@code by-dev-replicate-msg}
 */
public record KafkaSource(String bootstrap, Map<String, String> clientProperties, String replicateChannel)
        implements SourceLog {

    // What one read may bring, and so what one joined pack may hold in memory. Not a limit on a
    // message: Kafka returns a first batch larger than this whole, so Milvus's 64 MB messages still pass.
    // 1 MiB (about 1,600 rows of a 128-d collection): side by side with 4 MiB the peak RSS fell by 8-10 MB
    // at the same throughput and CPU, and at 768-d the replication was not slower (docs/performance.md,
    // "CPU and memory, where they go"); 16 MiB held three times as much as 4.
    private static final int FETCH_BYTES = 1024 * 1024;

    /** Leaves the client properties out: they may hold SASL credentials. */
    @Override
    public String toString() {
        return "KafkaSource[bootstrap=" + bootstrap + ", replicateChannel=" + replicateChannel + "]";
    }

    @Override
    public ChannelReader open(String channel) {
        return new KafkaChannelReader(this, channel);
    }

    @Override
    public Map<String, ChannelPosition> endPositions(Collection<String> channels, Duration timeout)
            throws InterruptedException {
        List<TopicPartition> partitions = channels.stream().map(c -> new TopicPartition(c, 0)).toList();
        try (KafkaConsumer<byte[], ByteBuffer> consumer = consumer()) {
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, timeout);
            Map<String, ChannelPosition> positions = new LinkedHashMap<>();
            ends.forEach((partition, end) -> positions.put(partition.topic(),
                    new ChannelPosition(partition.topic(), KafkaMessageIds.encode(end - 1), 0)));
            return positions;
        } catch (InterruptException e) {
            throw new InterruptedException("interrupted while finding where the channels end");
        } catch (TimeoutException e) {
            throw new SourceLogException("cannot find where channels " + channels + " end: Kafka " + bootstrap
                    + " did not answer within " + timeout.toSeconds() + " s; check sourceConfig.kafka.address", e, true);
        } catch (KafkaException e) {
            throw KafkaFailures.classify("find where channels " + channels + " end", bootstrap, e);
        }
    }

    @Override
    public ChannelPosition positionBefore(String channel, ByteString messageId) {
        return new ChannelPosition(channel, KafkaMessageIds.encode(offset(messageId) - 1), 0);
    }

    @Override
    public ChannelPosition positionOf(String channel, ByteString messageId, long timestamp) {
        return new ChannelPosition(channel, KafkaMessageIds.encode(offset(messageId)), timestamp);
    }

    @Override
    public boolean isBefore(ChannelPosition a, ChannelPosition b) {
        return KafkaMessageIds.decode(a.messageId()) < KafkaMessageIds.decode(b.messageId());
    }

    /** Milvus's id of a Kafka message: its offset as 8 little-endian bytes. */
    private static long offset(ByteString messageId) {
        if (messageId.size() != Long.BYTES) {
            throw new IllegalArgumentException("a Kafka message id has 8 bytes, this one has " + messageId.size());
        }
        return messageId.asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /**
     * A consumer that never commits and never moves its offset by itself. Values come as the
     * consumer's own buffers (never written to again): a byte array would be one more copy of every row.
     */
    KafkaConsumer<byte[], ByteBuffer> consumer() {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
        props.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, String.valueOf(FETCH_BYTES));
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        props.putAll(clientProperties);
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteBufferDeserializer());
    }
}
