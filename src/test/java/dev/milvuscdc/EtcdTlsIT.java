package dev.milvuscdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.config.ConfigLoader;
import dev.milvuscdc.rig.EtcdServer;
import dev.milvuscdc.rig.MilvusDriver;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.TestCertificates;
import dev.milvuscdc.source.QueueProbe;
import dev.milvuscdc.source.SourceProbe;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.source.meta.SourceCatalog;
import dev.milvuscdc.source.meta.SourceEtcd;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd TLS keys of {@code cdc.yaml} against a private etcd that serves TLS only and asks for a
 * client certificate: the source probe, the source metadata reader and the etcd task store connect
 * with the configured files, and fail without them. The private etcd holds a copy of the rig
 * source's metadata, so the reader reads a real Milvus's records through TLS.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EtcdTlsIT {

    private TestCertificates certs;
    private EtcdServer etcd;
    private String collection;

    @BeforeAll
    void startEtcdWithTheSourcesMetadata(@TempDir Path dir) throws Exception {
        certs = TestCertificates.create(dir.resolve("certs"));
        etcd = EtcdServer.withClientCertificates(dir.resolve("etcd"), certs);
        etcd.start();
        String db = "tls_" + UUID.randomUUID().toString().substring(0, 8);
        collection = "over_tls";
        try (MilvusDriver source = MilvusDriver.source()) {
            source.run("create_database", Map.of("db", db));
            source.run("create_collection", MilvusPair.with(Map.of("db", db, "name", collection, "schema", "basic")));
        }
        copySourceMetadata(SourceEtcd.of(config(tlsKeys(true, true)).source()));
    }

    @AfterAll
    void stopEtcd() throws InterruptedException {
        etcd.close();
    }

    @Test
    void aSchemelessAddressGetsHttpsWithTls() {
        assertThat(config(tlsKeys(true, true)).source().etcd().address())
                .containsExactly("https://127.0.0.1:" + etcd.clientPort());
    }

    @Test
    void theSourceProbeAndTheEnginesMetadataReaderConnectWithTheConfiguredTls() throws Exception {
        CdcConfig config = config(tlsKeys(true, true));

        assertThat(probeEtcd(config)).isEqualTo(SourceProbe.UP);
        try (SourceCatalog metadata = ReplicationWiring.settings(config).metadata().list(Duration.ofSeconds(30))) {
            assertThat(metadata.collections()).extracting(CollectionMeta::name).contains(collection);
        }
    }

    @Test
    void withoutTlsOrWithoutTheClientCertificateTheSourceIsDown() {
        assertThat(probeEtcd(config(tlsKeys(false, true)))).startsWith("DOWN: no answer from http://127.0.0.1:");
        assertThat(probeEtcd(config(tlsKeys(true, false)))).startsWith("DOWN: ");
    }

    @Test
    void theEtcdTaskStoreConnectsWithTheConfiguredTls() {
        Map<String, String> keys = new HashMap<>();
        tlsKeys(true, true).entrySet().stream().filter(key -> key.getKey().startsWith("CDC_SOURCECONFIG_ETCD_")
                        && !key.getKey().endsWith("_ROOTPATH"))
                .forEach(key -> keys.put(key.getKey().replace("SOURCECONFIG", "METASTORECONFIG"), key.getValue()));
        keys.put("CDC_METASTORECONFIG_STORETYPE", "etcd");
        keys.put("CDC_METASTORECONFIG_ROOTPATH", "tls-store");
        TaskSpec spec = new TaskSpec(null, null, List.of(new TaskSpec.CollectionInfo("c", null, false)), null, null,
                null, null, null, false, "t1");

        try (TaskStore store = CdcServer.openStore(config(keys))) {
            store.put(new TaskRecord("t1", spec, TaskState.Paused, "stored over TLS"));
            assertThat(store.get("t1")).map(TaskRecord::reason).contains("stored over TLS");
        }
        keys.put("CDC_METASTORECONFIG_ETCD_ENABLETLS", "false");
        assertThatThrownBy(() -> CdcServer.openStore(config(keys)).close()).isInstanceOf(StoreException.class);
    }

    /** The sourceConfig.etcd keys for the private etcd, with or without TLS and the client certificate. */
    private Map<String, String> tlsKeys(boolean tls, boolean clientCertificate) {
        Map<String, String> keys = new HashMap<>();
        keys.put("CDC_SOURCECONFIG_ETCD_ADDRESS", "127.0.0.1:" + etcd.clientPort());
        keys.put("CDC_SOURCECONFIG_ETCD_ROOTPATH", Rig.get().sourceEtcdRoot());
        keys.put("CDC_SOURCECONFIG_ETCD_ENABLETLS", String.valueOf(tls));
        keys.put("CDC_SOURCECONFIG_ETCD_TLSCACERTPATH", certs.caCert().toString());
        keys.put("CDC_SOURCECONFIG_ETCD_TLSMINVERSION", "1.2");
        if (clientCertificate) {
            keys.put("CDC_SOURCECONFIG_ETCD_TLSCERTPATH", certs.clientCert().toString());
            keys.put("CDC_SOURCECONFIG_ETCD_TLSKEYPATH", certs.clientKey().toString());
        }
        keys.put("CDC_SOURCECONFIG_KAFKA_ADDRESS", Rig.get().kafkaBootstrap());
        return keys;
    }

    private static CdcConfig config(Map<String, String> env) {
        return ConfigLoader.load(null, env).config();
    }

    private static String probeEtcd(CdcConfig config) {
        try (SourceProbe probe = new SourceProbe(SourceEtcd.of(config.source()), QueueProbe.of(config.source()),
                Clock.systemUTC())) {
            return probe.status().etcd();
        }
    }

    private static void copySourceMetadata(SourceEtcd into) throws Exception {
        SourceEtcd rig = new SourceEtcd(List.of(Rig.get().etcdEndpoints().split(",")), "", "",
                Rig.get().sourceEtcdRoot(), "meta");
        ByteSequence prefix = ByteSequence.from(rig.rootCoordPrefix(), StandardCharsets.UTF_8);
        try (Client from = rig.connect(); Client to = into.connect()) {
            List<KeyValue> records = from.getKVClient().get(prefix, GetOption.builder().isPrefix(true).build())
                    .get(30, TimeUnit.SECONDS).getKvs();
            for (KeyValue record : records) {
                to.getKVClient().put(record.getKey(), record.getValue()).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
