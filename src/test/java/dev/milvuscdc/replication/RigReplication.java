package dev.milvuscdc.replication;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.sink.TargetConnector;
import dev.milvuscdc.source.log.KafkaSource;
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
        Rig rig = Rig.get();
        JsonNode source;
        try {
            source = new ObjectMapper(new YAMLFactory()).readTree(new File(rig.cdcConfig())).get("sourceConfig");
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the rig's cdc config " + rig.cdcConfig(), e);
        }
        return new ReplicationSettings(
                new KafkaSource(rig.kafkaBootstrap(), Map.of(), source.get("replicateChan").asText()),
                MetadataSource.etcd(new SourceEtcd(List.of(rig.etcdEndpoints()), "", "", rig.sourceEtcdRoot(), "meta")),
                TargetConnector.milvus(),
                Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofSeconds(5));
    }
}
