package dev.milvuscdc.source;

import dev.milvuscdc.config.PulsarConfig;
import dev.milvuscdc.source.log.PulsarSource;
import dev.milvuscdc.source.log.SourceLogException;
import java.time.Duration;

/** Asks the source's Pulsar about the replicate channel's topic, with the configured credentials. */
final class PulsarProbe implements QueueProbe {

    private final PulsarSource pulsar;
    private final String address;

    PulsarProbe(PulsarConfig config, String replicateChannel) {
        this.pulsar = new PulsarSource(config, replicateChannel);
        this.address = config.address();
    }

    @Override
    public String name() {
        return "pulsar";
    }

    @Override
    public String address() {
        return address;
    }

    @Override
    public String check(Duration timeout) {
        try {
            pulsar.checkReachable(timeout);
            return SourceProbe.UP;
        } catch (SourceLogException e) {
            return "DOWN: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "DOWN: interrupted";
        }
    }

    @Override
    public void close() {
        pulsar.close();
    }
}
