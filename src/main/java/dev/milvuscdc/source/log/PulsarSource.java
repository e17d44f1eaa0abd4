package dev.milvuscdc.source.log;

import com.google.protobuf.ByteString;
import dev.milvuscdc.config.PulsarConfig;
import dev.milvuscdc.event.ChannelPosition;
import java.io.IOException;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.pulsar.client.api.Authentication;
import org.apache.pulsar.client.api.AuthenticationFactory;
import org.apache.pulsar.client.api.MessageId;
import org.apache.pulsar.client.api.PulsarClient;
import org.apache.pulsar.client.api.PulsarClientException;
import org.apache.pulsar.client.api.Reader;
import org.apache.pulsar.client.api.ReaderBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The source's Pulsar: one non-partitioned topic {@code persistent://<tenant>/<namespace>/<channel>}
 * per Milvus channel. Channels are read with readers, not subscriptions: a reader's cursor is not
 * durable, so the CDC never holds back the deletion of messages Milvus consumed (the namespace's
 * retention must cover the time a task may be stopped, as Kafka's retention must) and leaves nothing
 * behind when a task goes. Its subscriptions are named {@code milvus-cdc-...} so that an operator
 * sees whose they are. One client serves every reader of the server; it is opened at the first use.
 */
public final class PulsarSource implements SourceLog, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(PulsarSource.class);
    static final String SUBSCRIPTION_PREFIX = "milvus-cdc";
    private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(10);
    // Messages a reader fetches ahead. Milvus splits inserts at 5 MB, so this bounds what one channel
    // may hold in memory (Kafka's readers are bounded by bytes instead); ticks arrive 5 a second.
    private static final int RECEIVER_QUEUE = 100;

    private final PulsarConfig config;
    private final String replicateChannel;
    private final PulsarTopics topics;
    private PulsarClient client;

    public PulsarSource(PulsarConfig config, String replicateChannel) {
        this.config = config;
        this.replicateChannel = replicateChannel;
        this.topics = new PulsarTopics(config);
    }

    /** Leaves the authentication parameters out: they hold the token. */
    @Override
    public String toString() {
        return "PulsarSource[address=" + config.address() + ", web=" + config.webUrl() + ", tenant=" + config.tenant()
                + ", namespace=" + config.namespace() + ", replicateChannel=" + replicateChannel + "]";
    }

    String address() {
        return config.address();
    }

    PulsarTopics topics() {
        return topics;
    }

    String topic(String channel) {
        return config.topic(channel);
    }

    @Override
    public String replicateChannel() {
        return replicateChannel;
    }

    @Override
    public ChannelReader open(String channel) {
        return new PulsarChannelReader(this, channel);
    }

    /** A reader of the channel's existing topic that starts just after {@code after}. */
    Reader<byte[]> reader(String channel, MessageId after) throws PulsarClientException, InterruptedException {
        topics.requireTopic(channel);
        ReaderBuilder<byte[]> builder = client().newReader()
                .topic(topic(channel))
                .startMessageId(after)
                .subscriptionRolePrefix(SUBSCRIPTION_PREFIX)
                .receiverQueueSize(RECEIVER_QUEUE);
        return builder.create();
    }

    @Override
    public Map<String, ChannelPosition> endPositions(Collection<String> channels, Duration timeout) throws InterruptedException {
        Map<String, ChannelPosition> positions = new LinkedHashMap<>();
        for (String channel : channels) {
            try (Reader<byte[]> reader = reader(channel, MessageId.latest)) {
                MessageId last = reader.getLastMessageIdsAsync().get(timeout.toMillis(), TimeUnit.MILLISECONDS).get(0);
                positions.put(channel, new ChannelPosition(channel, PulsarMessageIds.encode(last), 0));
            } catch (TimeoutException e) {
                throw new PulsarLogException("cannot find where channel " + channel + " ends: Pulsar " + config.address()
                        + " did not answer within " + timeout.toSeconds() + " s; check sourceConfig.pulsar.address", e, true);
            } catch (IOException | ExecutionException e) {
                throw PulsarFailures.classify("find where channel " + channel + " ends", config.address(), e);
            }
        }
        return positions;
    }

    /** Asks the broker about the replicate channel's topic: fails when it cannot answer or refuses the CDC. */
    public void checkReachable(Duration timeout) throws InterruptedException {
        try {
            client().getPartitionsForTopic(topic(replicateChannel)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new PulsarLogException("no answer from " + config.address() + " within " + timeout.toSeconds()
                    + " s (check sourceConfig.pulsar.address)", e, true);
        } catch (PulsarClientException | ExecutionException e) {
            throw PulsarFailures.classify("reach the broker", config.address(), e);
        }
    }

    @Override
    public ChannelPosition positionBefore(String channel, ByteString messageId) {
        MessageId before = PulsarMessageIds.before(PulsarMessageIds.parse(messageId.toByteArray(), channel));
        return new ChannelPosition(channel, PulsarMessageIds.encode(before), 0);
    }

    @Override
    public ChannelPosition positionOf(String channel, ByteString messageId, long timestamp) {
        return new ChannelPosition(channel, PulsarMessageIds.encode(PulsarMessageIds.parse(messageId.toByteArray(), channel)),
                timestamp);
    }

    @Override
    public boolean isBefore(ChannelPosition a, ChannelPosition b) {
        return PulsarMessageIds.ORDER.compare(PulsarMessageIds.decode(a.messageId()), PulsarMessageIds.decode(b.messageId())) < 0;
    }

    private synchronized PulsarClient client() throws PulsarClientException {
        if (client == null) {
            var builder = PulsarClient.builder()
                    .serviceUrl(config.address())
                    .operationTimeout((int) OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .connectionTimeout((int) OPERATION_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            if (!config.authPlugin().isEmpty()) {
                builder.authentication(authentication(config));
            }
            client = builder.build();
        }
        return client;
    }

    /** The client authentication {@code authPlugin} and {@code authParams} name, for the broker and its web service. */
    static Authentication authentication(PulsarConfig config) throws PulsarClientException {
        return AuthenticationFactory.create(config.authPlugin(), config.authParams().value());
    }

    @Override
    public synchronized void close() {
        if (client != null) {
            try {
                client.close();
            } catch (PulsarClientException e) {
                LOG.debug("closing the Pulsar client: {}", e.toString());
            }
            client = null;
        }
    }
}
