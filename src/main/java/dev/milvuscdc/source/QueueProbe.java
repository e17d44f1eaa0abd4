package dev.milvuscdc.source;

import dev.milvuscdc.config.SourceConfig;
import java.time.Duration;

/** One short question to the source's message queue, for {@link SourceProbe}. */
public interface QueueProbe extends AutoCloseable {

    /** {@code kafka} or {@code pulsar}, the name of the part in {@code /health}. */
    String name();

    String address();

    /** {@link SourceProbe#UP} or {@code DOWN: <why>}. */
    String check(Duration timeout);

    @Override
    void close();

    /** The queue the configuration reads: Pulsar when {@code sourceConfig.pulsar.address} is set, as in the reference. */
    static QueueProbe of(SourceConfig source) {
        return source.pulsar().isConfigured()
                ? new PulsarProbe(source.pulsar(), source.replicateChan())
                : new KafkaProbe(source.kafka());
    }
}
