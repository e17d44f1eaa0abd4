package dev.milvuscdc;

import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.config.SourceConfig;
import dev.milvuscdc.replication.ReplicationSettings;
import dev.milvuscdc.sink.DryRunTargetWriter;
import dev.milvuscdc.sink.MilvusConnectException;
import dev.milvuscdc.sink.MilvusConnection;
import dev.milvuscdc.sink.MilvusPeer;
import dev.milvuscdc.sink.TargetConnector;
import dev.milvuscdc.snapshot.SnapshotReadException;
import dev.milvuscdc.snapshot.SnapshotSource;
import dev.milvuscdc.snapshot.SourceQueries;
import dev.milvuscdc.source.log.KafkaSource;
import dev.milvuscdc.source.log.PulsarSource;
import dev.milvuscdc.source.log.SourceLog;
import dev.milvuscdc.source.meta.MetadataSource;
import dev.milvuscdc.source.meta.SourceEtcd;
import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import java.time.Duration;

/** Turns the server's configuration into the replication engine's settings. */
final class ReplicationWiring {

    private static final Duration POSITION_FLUSH_INTERVAL = Duration.ofSeconds(1);
    private static final Duration SOURCE_CALL_TIMEOUT = Duration.ofSeconds(60);

    private ReplicationWiring() {
    }

    static ReplicationSettings settings(CdcConfig config) {
        SourceConfig source = config.source();
        return new ReplicationSettings(
                sourceLog(source),
                MetadataSource.etcd(SourceEtcd.of(source)),
                config.replication().dryRun() ? DryRunTargetWriter.around(TargetConnector.milvus()) : TargetConnector.milvus(),
                POSITION_FLUSH_INTERVAL,
                config.replication().initBackOff(),
                config.replication().maxBackOff(),
                ReplicationSettings.TARGET_WATCH_EVERY,
                snapshotSource(source));
    }

    /** The source Milvus that initial copies read, through the same kind of gRPC connection as a target's. */
    private static SnapshotSource snapshotSource(SourceConfig source) {
        if (source.milvusUri().isBlank()) {
            return SnapshotSource.unconfigured();
        }
        MilvusConnectParam param = new MilvusConnectParam(source.milvusUri(), source.milvusToken().value(), null, 0, null,
                null, false, null, 0, false, 0).withUriCredentialsAsToken();
        return () -> {
            try {
                MilvusConnection connection = MilvusConnection.open(MilvusPeer.SOURCE, param);
                return new SnapshotSource.Connected(new SourceQueries(connection.stub(), SOURCE_CALL_TIMEOUT), connection);
            } catch (MilvusConnectException e) {
                throw new SnapshotReadException(e.getMessage(), e, !e.credentialsRefused(), false);
            }
        };
    }

    /** Pulsar when {@code sourceConfig.pulsar.address} is set (it wins over Kafka, as in the reference). */
    private static SourceLog sourceLog(SourceConfig source) {
        if (source.pulsar().isConfigured()) {
            return new PulsarSource(source.pulsar(), source.replicateChan());
        }
        return new KafkaSource(source.kafka().address(), source.kafka().clientProperties(), source.replicateChan());
    }
}
