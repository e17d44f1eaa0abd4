package dev.milvuscdc;

import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.config.SourceConfig;
import dev.milvuscdc.replication.ReplicationSettings;
import dev.milvuscdc.sink.DryRunTargetWriter;
import dev.milvuscdc.sink.TargetConnector;
import dev.milvuscdc.source.log.KafkaSource;
import dev.milvuscdc.source.meta.MetadataSource;
import dev.milvuscdc.source.meta.SourceEtcd;
import java.time.Duration;

/** Turns the server's configuration into the replication engine's settings. */
final class ReplicationWiring {

    private static final Duration POSITION_FLUSH_INTERVAL = Duration.ofSeconds(1);

    private ReplicationWiring() {
    }

    static ReplicationSettings settings(CdcConfig config) {
        SourceConfig source = config.source();
        return new ReplicationSettings(
                kafkaSource(source),
                MetadataSource.etcd(SourceEtcd.of(source)),
                config.replication().dryRun() ? DryRunTargetWriter.around(TargetConnector.milvus()) : TargetConnector.milvus(),
                POSITION_FLUSH_INTERVAL,
                config.replication().initBackOff(),
                config.replication().maxBackOff());
    }

    private static KafkaSource kafkaSource(SourceConfig source) {
        return new KafkaSource(source.kafka().address(), source.kafka().clientProperties(), source.replicateChan());
    }
}
