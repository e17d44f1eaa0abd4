package dev.milvuscdc.replication;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.sink.TargetConnector;
import dev.milvuscdc.snapshot.SnapshotSource;
import dev.milvuscdc.source.log.KafkaSource;
import dev.milvuscdc.source.log.PulsarSource;
import dev.milvuscdc.source.log.SourceLog;
import dev.milvuscdc.source.meta.MetadataSource;
import dev.milvuscdc.source.meta.SourceEtcd;
import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Replication settings for the rig's source, read from the config file the rig writes. */
final class RigReplication {

    private RigReplication() {
    }

    static ReplicationSettings settings() {
        return settings(sourceEtcd(), sourceLog());
    }

    /** The log of the rig's source, in Kafka or in Pulsar ({@code scripts/rig up --source-mq pulsar}). */
    static SourceLog sourceLog() {
        Rig rig = Rig.get();
        if (rig.pulsarSource()) {
            return new PulsarSource(rig.pulsarConfig(rig.pulsarToken()), replicateChannel());
        }
        return new KafkaSource(rig.kafkaBootstrap(), Map.of(), replicateChannel());
    }

    /** The rig's timings with another source etcd or log, e.g. one that needs credentials. */
    static ReplicationSettings settings(SourceEtcd etcd, SourceLog log) {
        return new ReplicationSettings(log, MetadataSource.etcd(etcd), TargetConnector.milvus(),
                Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(5), ReplicationSettings.TARGET_WATCH_EVERY,
                SnapshotSource.unconfigured());
    }

    /** The source Milvus's etcd, without credentials. */
    static SourceEtcd sourceEtcd() {
        Rig rig = Rig.get();
        return new SourceEtcd(List.of(rig.etcdEndpoints()), "", "", rig.sourceEtcdRoot(), "meta");
    }

    /** {@code sourceConfig.replicateChan} of the rig's config. */
    static String replicateChannel() {
        Rig rig = Rig.get();
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(new File(rig.cdcConfig()))
                    .get("sourceConfig").get("replicateChan").asText();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the rig's cdc config " + rig.cdcConfig(), e);
        }
    }
}
