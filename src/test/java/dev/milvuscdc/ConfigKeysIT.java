package dev.milvuscdc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.config.ConfigException;
import dev.milvuscdc.config.ConfigLoader;
import dev.milvuscdc.replication.ReplicationSettings;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.TestCertificates;
import dev.milvuscdc.server.CdcTestClient.Reply;
import dev.milvuscdc.server.CdcTestClient;
import dev.milvuscdc.server.ConfigFiles;
import dev.milvuscdc.server.FakeRunners;
import dev.milvuscdc.server.TestServers;
import dev.milvuscdc.sink.TargetConnector;
import dev.milvuscdc.snapshot.SnapshotSource;
import dev.milvuscdc.source.QueueProbe;
import dev.milvuscdc.source.SourceProbe;
import dev.milvuscdc.source.log.KafkaSource;
import dev.milvuscdc.source.meta.DatabaseMeta;
import dev.milvuscdc.source.meta.SourceCatalog;
import dev.milvuscdc.source.meta.SourceEtcd;
import dev.milvuscdc.store.InMemoryTaskStore;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Every key of {@code configs/cdc.yaml}, and every key of the reference's files this server reads,
 * with what setting it does, shown on the rig where it reaches the outside (the task store, the
 * source probe) and otherwise on what the composition root hands to the component that uses it.
 * A key declared without effect must leave the configuration exactly as without it. One row per
 * key: to cover a new key, add a row; {@link #everyKeyOfTheSampleHasARow} fails until then.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConfigKeysIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    static Path dir;
    private static TestCertificates certs;

    @BeforeAll
    static void makeCertificates() throws Exception {
        certs = TestCertificates.create(dir.resolve("certs"));
    }

    /** A key, the value a row sets (YAML), other keys the value needs, and what must follow. */
    record Row(String key, String value, Map<String, String> alongWith, Check check) {
        @Override
        public String toString() {
            return key + ": " + value;
        }

        Row with(String otherKey, String otherValue) {
            Map<String, String> all = new LinkedHashMap<>(alongWith);
            all.put(otherKey, otherValue);
            return new Row(key, value, all, check);
        }
    }

    @FunctionalInterface
    interface Check {
        void verify(Setting setting) throws Exception;
    }

    static Row row(String key, String value, Check check) {
        return new Row(key, value, Map.of(), check);
    }

    /** A key that must change nothing: the configuration equals the one without it, and start-up names it. */
    static Row withoutEffect(String key, String value) {
        String declared = key.startsWith("packer.") ? "packer.*"
                : key.startsWith("sourceConfig.kafka.producer") ? "sourceConfig.kafka.producer.*"
                : key.startsWith("reverseMilvus") ? "reverseMilvus.*"
                : key.startsWith("currentMilvus") ? "currentMilvus.*" : key;
        return row(key, value, s -> {
            assertThat(s.config()).isEqualTo(s.baseline());
            assertThat(s.loaded().keysWithoutEffect()).anySatisfy(line -> assertThat(line).startsWith(declared + " ("));
            assertThat(s.loaded().unknownKeys()).isEmpty();
        });
    }

    /**
     * A reference 1.x name: the configuration equals the one with the current key set to the same
     * value instead (the rig's file sets the current key: it is left out here).
     */
    static Row alias(String key, String value, String current) {
        return row(key, value, s -> {
            Map<String, String> instead = new LinkedHashMap<>();
            instead.put(key, null);
            instead.put(current, value);
            assertThat(s.config()).isEqualTo(s.loadWith(instead).config());
            assertThat(s.loaded().aliasesUsed()).containsExactly(key + " as " + current);
        }).with(current, null);
    }

    static Stream<Row> rows() {
        String etcd = Rig.get().etcdEndpoints().split(",")[0];
        String etcdHostPort = URI.create(etcd).getAuthority();
        String mysqlDsn = Rig.get().mysqlGoDsn();
        int port = freePort();
        return Stream.of(
                row("address", "127.0.0.1:" + port, s -> assertThat(s.server().port()).isEqualTo(port)),
                row("maxTaskNum", "1", s -> {
                    assertThat(s.create("{\"name\":\"a\"}").code()).isEqualTo(200);
                    assertThat(s.create("{\"name\":\"b\"}").message()).endsWith("the task num has reach the limit, 1");
                }),
                row("maxNameLength", "5", s -> assertThat(s.create("{\"name\":\"abcdef\"}").message())
                        .endsWith("there are some collection names whose length exceeds 5 characters, [abcdef]")),
                row("logLevel", "warn", s -> {
                    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
                    Level before = root.getLevel();
                    try {
                        Main.setLogLevel(s.config().server().logLevel());
                        assertThat(root.getLevel()).isEqualTo(Level.WARN);
                    } finally {
                        root.setLevel(before);
                    }
                }),
                row("dataDir", dir.resolve("data-" + port).toString(), s -> {
                    s.store().close();
                    try (Stream<Path> files = Files.list(dir.resolve("data-" + port))) {
                        assertThat(files).isNotEmpty();
                    }
                }),
                row("maxRequestBytes", "300", s -> assertThat(s.client().post("{\"request_type\":\"list\","
                        + " ".repeat(400) + "\"request_data\":{}}").message())
                        .startsWith("fail to read the request body, error: the request body is larger than 300 bytes")),
                row("serverName", "cfg-server-" + port, s -> {
                    assertThat(s.create("{\"name\":\"a\"}").code()).isEqualTo(200);
                    assertThat(s.client().request("list", "{}").data().path("tasks").path(0).path("owner").asText())
                            .isEqualTo("cfg-server-" + port);
                }),
                row("taskLeaseSeconds", "3", s -> {
                    try (CdcServer server = TestServers.start(s.config(), s.store(), new FakeRunners());
                         Client client = Client.builder().endpoints(etcd).build()) {
                        new CdcTestClient(server.port()).createTaskOver("cfg_lease");
                        List<KeyValue> holds = client.getKVClient().get(
                                ByteSequence.from("cfg-lease-" + port + "/task_owner/", StandardCharsets.UTF_8),
                                GetOption.builder().isPrefix(true).build()).get(10, TimeUnit.SECONDS).getKvs();
                        assertThat(holds).hasSize(1);
                        assertThat(client.getLeaseClient().timeToLive(holds.get(0).getLease(), LeaseOption.DEFAULT)
                                .get(10, TimeUnit.SECONDS).getGrantedTTL()).isEqualTo(3);
                    }
                }).with("metaStoreConfig.storeType", "etcd").with("metaStoreConfig.etcd.address", "[" + etcd + "]")
                        .with("metaStoreConfig.rootPath", "cfg-lease-" + port),
                row("apiToken", "cfg-tok-" + port, s -> {
                    Reply refused = s.client().request("list", "{}");
                    assertThat(refused.status()).isEqualTo(401);
                    assertThat(refused.message()).startsWith("missing or wrong API token");
                    assertThat(s.client().withToken("cfg-tok-" + port).request("list", "{}").code()).isEqualTo(200);
                    assertThat(s.config().toString()).doesNotContain("cfg-tok-");
                }),
                row("metaStoreConfig.storeType", "etcd", s -> assertThat(s.storedKeys(etcd, "cfg-etcd")).isNotEmpty())
                        .with("metaStoreConfig.etcd.address", "[" + etcd + "]")
                        .with("metaStoreConfig.rootPath", "cfg-etcd"),
                row("metaStoreConfig.rootPath", "cfg-root-" + port, s ->
                        assertThat(s.storedKeys(etcd, "cfg-root-" + port)).isNotEmpty())
                        .with("metaStoreConfig.storeType", "etcd")
                        .with("metaStoreConfig.etcd.address", "[" + etcd + "]"),
                row("metaStoreConfig.mysqlSourceUrl", mysqlDsn, s -> {
                    try (TaskStore store = s.store()) {
                        store.put(task("in-mysql"));
                        assertThat(store.get("in-mysql")).isPresent();
                    }
                    assertThat(s.config().metaStore().mysql().url()).startsWith("jdbc:mariadb://127.0.0.1:");
                }).with("metaStoreConfig.storeType", "mysql"),
                row("metaStoreConfig.etcd.address", "[" + etcdHostPort + "]", s ->
                        assertThat(s.storedKeys(etcd, "cfg-address")).isNotEmpty())
                        .with("metaStoreConfig.storeType", "etcd").with("metaStoreConfig.rootPath", "cfg-address"),
                row("metaStoreConfig.etcd.enableAuth", "true", s -> assertThatThrownBy(s::store)
                        .isInstanceOf(StoreException.class).hasStackTraceContaining("authentication is not enabled"))
                        .with("metaStoreConfig.storeType", "etcd").with("metaStoreConfig.etcd.address", "[" + etcd + "]")
                        .with("metaStoreConfig.etcd.username", "root").with("metaStoreConfig.etcd.password", "root123456"),
                row("metaStoreConfig.etcd.username", "root", s -> assertThat(s.storedKeys(etcd, "cfg-user")).isNotEmpty())
                        .with("metaStoreConfig.storeType", "etcd").with("metaStoreConfig.etcd.address", "[" + etcd + "]")
                        .with("metaStoreConfig.rootPath", "cfg-user").with("metaStoreConfig.etcd.password", "root123456")
                        .with("metaStoreConfig.etcd.enableAuth", "false"),
                row("metaStoreConfig.etcd.password", "root123456", s -> {
                    assertThat(s.config().metaStore().etcd().loginPassword()).isEmpty();
                    assertThat(s.loadWith(Map.of("metaStoreConfig.etcd.enableAuth", "true")).config().metaStore()
                            .etcd().loginPassword()).isEqualTo("root123456");
                }).with("metaStoreConfig.etcd.username", "root"),
                row("metaStoreConfig.etcd.enableTLS", "true", s -> assertThatThrownBy(s::store)
                        .isInstanceOf(StoreException.class))
                        .with("metaStoreConfig.storeType", "etcd").with("metaStoreConfig.etcd.address", "[" + etcdHostPort + "]"),
                row("metaStoreConfig.etcd.tlsCACertPath", certs.caCert().toString(), s ->
                        assertThat(s.config().metaStore().etcd().tls().caCertPath()).isEqualTo(certs.caCert().toString()))
                        .with("metaStoreConfig.etcd.enableTLS", "true"),
                row("metaStoreConfig.etcd.tlsCertPath", certs.clientCert().toString(), s ->
                        assertThat(s.config().metaStore().etcd().tls().certPath()).isEqualTo(certs.clientCert().toString()))
                        .with("metaStoreConfig.etcd.enableTLS", "true")
                        .with("metaStoreConfig.etcd.tlsKeyPath", certs.clientKey().toString()),
                row("metaStoreConfig.etcd.tlsKeyPath", certs.clientKey().toString(), s ->
                        assertThat(s.config().metaStore().etcd().tls().keyPath()).isEqualTo(certs.clientKey().toString()))
                        .with("metaStoreConfig.etcd.enableTLS", "true")
                        .with("metaStoreConfig.etcd.tlsCertPath", certs.clientCert().toString()),
                row("metaStoreConfig.etcd.tlsMinVersion", "\"1.2\"", s ->
                        assertThat(s.config().metaStore().etcd().tls().protocols()).containsExactly("TLSv1.2", "TLSv1.3"))
                        .with("metaStoreConfig.etcd.enableTLS", "true"),
                row("sourceConfig.etcd.address", "[" + etcdHostPort + "]", s -> {
                    assertThat(s.sourceEtcd().endpoints()).containsExactly("http://" + etcdHostPort);
                    assertThat(s.sourceDatabases()).contains("default");
                    assertThat(s.probe().etcd()).isEqualTo(SourceProbe.UP);
                }),
                row("sourceConfig.etcd.rootPath", "prod", s ->
                        assertThat(s.sourceDatabases()).isEmpty()),
                row("sourceConfig.etcd.metaSubPath", "m", s ->
                        assertThat(s.sourceDatabases()).isEmpty()),
                row("sourceConfig.etcd.enableAuth", "true", s ->
                        assertThat(s.probe().etcd()).startsWith("DOWN: ").contains("authentication is not enabled"))
                        .with("sourceConfig.etcd.username", "root").with("sourceConfig.etcd.password", "root123456"),
                row("sourceConfig.etcd.username", "root", s -> {
                    assertThat(s.probe().etcd()).isEqualTo(SourceProbe.UP);
                    assertThat(s.loadWith(Map.of("sourceConfig.etcd.enableAuth", "true")).config().source().etcd()
                            .loginUsername()).isEqualTo("root");
                }).with("sourceConfig.etcd.password", "root123456"),
                row("sourceConfig.etcd.password", "root123456", s -> {
                    assertThat(SourceEtcd.of(s.config().source()).password()).isEmpty();
                    assertThat(SourceEtcd.of(s.loadWith(Map.of("sourceConfig.etcd.enableAuth", "true")).config().source())
                            .password()).isEqualTo("root123456");
                }).with("sourceConfig.etcd.username", "root"),
                row("sourceConfig.etcd.enableTLS", "true", s -> {
                    assertThat(s.sourceEtcd().tls().enabled()).isTrue();
                    assertThat(s.probe().etcd()).startsWith("DOWN: ");
                }).with("sourceConfig.etcd.address", "[" + etcdHostPort + "]"),
                row("sourceConfig.etcd.tlsCACertPath", certs.caCert().toString(), s ->
                        assertThat(s.sourceEtcd().tls().caCertPath()).isEqualTo(certs.caCert().toString()))
                        .with("sourceConfig.etcd.enableTLS", "true"),
                row("sourceConfig.etcd.tlsCertPath", certs.clientCert().toString(), s ->
                        assertThat(s.sourceEtcd().tls().certPath()).isEqualTo(certs.clientCert().toString()))
                        .with("sourceConfig.etcd.enableTLS", "true")
                        .with("sourceConfig.etcd.tlsKeyPath", certs.clientKey().toString()),
                row("sourceConfig.etcd.tlsKeyPath", certs.clientKey().toString(), s ->
                        assertThat(s.sourceEtcd().tls().keyPath()).isEqualTo(certs.clientKey().toString()))
                        .with("sourceConfig.etcd.enableTLS", "true")
                        .with("sourceConfig.etcd.tlsCertPath", certs.clientCert().toString()),
                row("sourceConfig.etcd.tlsMinVersion", "\"1.1\"", s ->
                        assertThat(s.sourceEtcd().tls().protocols()).startsWith("TLSv1.1"))
                        .with("sourceConfig.etcd.enableTLS", "true"),
                row("sourceConfig.kafka.address", "127.0.0.1:" + port, s -> {
                    assertThat(s.kafka().bootstrap()).isEqualTo("127.0.0.1:" + port);
                    assertThat(s.probe().queue()).startsWith("DOWN: no answer from 127.0.0.1:" + port);
                }),
                row("sourceConfig.kafka.saslUsername", "cdc-user", s ->
                        assertThat(s.kafka().clientProperties().get("sasl.jaas.config")).contains("username=\"cdc-user\""))
                        .with("sourceConfig.kafka.saslMechanisms", "PLAIN"),
                row("sourceConfig.kafka.saslPassword", "cdc-pass", s ->
                        assertThat(s.kafka().clientProperties().get("sasl.jaas.config")).contains("password=\"cdc-pass\""))
                        .with("sourceConfig.kafka.saslMechanisms", "PLAIN"),
                row("sourceConfig.kafka.saslMechanisms", "SCRAM-SHA-256", s ->
                        assertThat(s.kafka().clientProperties()).containsEntry("sasl.mechanism", "SCRAM-SHA-256")),
                row("sourceConfig.kafka.securityProtocol", "SASL_PLAINTEXT", s -> {
                    assertThat(s.kafka().clientProperties()).containsEntry("security.protocol", "SASL_PLAINTEXT");
                    assertThat(s.probe().queue()).startsWith("DOWN: ");
                }),
                row("sourceConfig.kafka.consumer", "{client.id: cfg-keys}", s ->
                        assertThat(s.kafka().clientProperties()).containsEntry("client.id", "cfg-keys")),
                row("sourceConfig.replicateChan", "prod-replicate-msg", s -> {
                    assertThat(s.kafka().replicateChannel()).isEqualTo("prod-replicate-msg");
                    assertThat(s.create("{\"name\":\"a\"}", ",\"rpc_channel_info\":{\"name\":\"by-dev-replicate-msg\"}")
                            .message()).endsWith("the rpc channel is invalid, the channel name should be the same as the source config");
                }),
                row("sourceConfig.defaultPartitionName", "_default", s -> {
                    assertThat(s.config()).isEqualTo(s.baseline());
                    assertThatThrownBy(() -> s.loadWith(Map.of("sourceConfig.defaultPartitionName", "main")))
                            .isInstanceOf(ConfigException.class)
                            .hasMessageStartingWith("sourceConfig.defaultPartitionName: only _default is supported, got 'main'");
                }),
                row("sourceConfig.milvus.uri", "http://127.0.0.1:" + port, s -> {
                    assertThat(s.create("{\"name\":\"a\"}", ",\"snapshot\":\"initial\"").message())
                            .doesNotContain("sourceConfig.milvus.uri");
                    assertThatThrownBy(() -> s.engine().snapshotSource().open())
                            .hasMessageStartingWith("cannot reach the source Milvus at http://127.0.0.1:" + port)
                            .hasMessageEndingWith("(check sourceConfig.milvus.uri)");
                }),
                row("sourceConfig.milvus.token", "root:some-secret", s -> {
                    // The rig's source checks no credentials: shown is that the engine gets the token, masked in prints.
                    assertThat(s.config().source().milvusToken().value()).isEqualTo("root:some-secret");
                    assertThat(s.config().toString()).doesNotContain("some-secret");
                    SnapshotSource.Connected connected = s.engine().snapshotSource().open();
                    connected.connection().close();
                }).with("sourceConfig.milvus.uri", Rig.get().sourceUri()),
                row("dryRun", "true", s -> {
                    String db = "cfg_dry_run_" + port;
                    TaskSpec.MilvusConnectParam target = new TaskSpec.MilvusConnectParam(Rig.get().targetUri(), "", null, 0,
                            null, null, false, null, 0, false, 10);
                    TargetConnector.Connected connected = s.engine().target().connect(target);
                    try (AutoCloseable connection = connected.connection()) {
                        connected.writer().createDatabase(db);
                        assertThat(connected.writer().databases()).as("asked of the real target, never written").doesNotContain(db);
                    }
                }),
                row("retry.initBackOff", "3", s -> assertThat(s.engine().initialBackoff()).isEqualTo(Duration.ofSeconds(3))),
                row("retry.maxBackOff", "30", s -> assertThat(s.engine().maxBackoff()).isEqualTo(Duration.ofSeconds(30))),
                withoutEffect("packer.timerInterval", "1000"),
                withoutEffect("packer.maxCount", "3"),
                withoutEffect("packer.maxMsgSize", "512"),
                withoutEffect("packer.memoryLimit", "4194304"),
                withoutEffect("retry.retryTimes", "5"),
                withoutEffect("sourceConfig.readChanLen", "8"),
                withoutEffect("sourceConfig.channelNum", "32"),
                withoutEffect("sourceConfig.timeTickInterval", "200"),
                withoutEffect("batchMode", "false"),
                withoutEffect("sourceConfig.kafka.producer", "{linger.ms: 5}"),
                withoutEffect("detectDeadLock", "true"),
                withoutEffect("enableReverse", "true"),
                withoutEffect("reverseMilvus", "{host: h, port: 19530}"),
                withoutEffect("currentMilvus", "{host: h, port: 19530}"),
                withoutEffect("metaStoreConfig.etcd.rootPath", "other"),
                alias("sourceConfig.etcdAddress", "[" + etcdHostPort + "]", "sourceConfig.etcd.address"),
                alias("sourceConfig.etcdRootPath", "prod", "sourceConfig.etcd.rootPath"),
                alias("sourceConfig.etcdMetaSubPath", "m", "sourceConfig.etcd.metaSubPath"),
                alias("metaStoreConfig.etcdEndpoints", "[" + etcdHostPort + "]", "metaStoreConfig.etcd.address"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachKeyDoesWhatItSays(Row row) throws Exception {
        Map<String, String> keys = new LinkedHashMap<>(row.alongWith());
        keys.put(row.key(), row.value());
        try (Setting setting = new Setting(keys)) {
            row.check().verify(setting);
        }
    }

    @Test
    void everyKeyOfTheSampleHasARow() throws IOException {
        Set<String> sample = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        leaves("", YAML.readTree(Path.of("configs/cdc.yaml").toFile()), sample);
        Set<String> covered = new TreeSet<>(String.CASE_INSENSITIVE_ORDER);
        rows().forEach(row -> covered.add(row.key()));
        sample.removeAll(covered);

        assertThat(sample).isEmpty();
    }

    private static void leaves(String prefix, JsonNode node, Set<String> into) {
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isObject() && !field.getValue().isEmpty()) {
                leaves(prefix + field.getKey() + ".", field.getValue(), into);
            } else {
                into.add(prefix + field.getKey());
            }
        }
    }

    /**
     * One configuration: the rig's {@code cdc.yaml} (a server on a free port, the rig's source, an
     * embedded store in a fresh directory) with the row's keys set in the file.
     */
    static final class Setting implements AutoCloseable {
        private final Map<String, String> keys;
        private final Path dataDir = dir.resolve("store-" + UUID.randomUUID());
        private final ConfigLoader.Loaded loaded;
        private final List<AutoCloseable> opened = new ArrayList<>();
        private CdcServer server;

        Setting(Map<String, String> keys) throws IOException {
            this.keys = keys;
            this.loaded = loadWith(Map.of());
        }

        ConfigLoader.Loaded loaded() {
            return loaded;
        }

        CdcConfig config() {
            return loaded.config();
        }

        /** The configuration without the row's keys. */
        CdcConfig baseline() throws IOException {
            return load(Map.of()).config();
        }

        /** This setting's keys and {@code more}. */
        ConfigLoader.Loaded loadWith(Map<String, String> more) throws IOException {
            Map<String, String> all = new LinkedHashMap<>(keys);
            all.putAll(more);
            return load(all);
        }

        private ConfigLoader.Loaded load(Map<String, String> keys) throws IOException {
            ObjectNode tree = (ObjectNode) YAML.readTree(Path.of(Rig.get().cdcConfig()).toFile());
            tree.put("address", "127.0.0.1:0");
            tree.put("dataDir", dataDir.toString());
            for (Map.Entry<String, String> key : keys.entrySet()) {
                ConfigFiles.set(tree, key.getKey(), key.getValue() == null ? null : YAML.readTree(key.getValue()));
            }
            Path file = dir.resolve("cdc-" + UUID.randomUUID() + ".yaml");
            YAML.writeValue(file.toFile(), tree);
            return ConfigLoader.load(file, Map.of());
        }

        /** What the replication engine is given. */
        ReplicationSettings engine() {
            return ReplicationWiring.settings(config());
        }

        /** The source etcd as the probe and the engine's metadata source are given it. */
        SourceEtcd sourceEtcd() {
            return SourceEtcd.of(config().source());
        }

        /** The names of the databases the engine's metadata source lists. */
        List<String> sourceDatabases() throws Exception {
            try (SourceCatalog catalog = engine().metadata().list(Duration.ofSeconds(30))) {
                return catalog.databases().stream().map(DatabaseMeta::name).toList();
            }
        }

        /** The source log the engine is given: the source's Kafka. */
        KafkaSource kafka() {
            assertThat(engine().log()).isInstanceOf(KafkaSource.class);
            return (KafkaSource) engine().log();
        }

        SourceProbe.Status probe() {
            SourceProbe probe = new SourceProbe(SourceEtcd.of(config().source()), QueueProbe.of(config().source()),
                    Clock.systemUTC());
            opened.add(probe);
            return probe.status();
        }

        TaskStore store() {
            return CdcServer.openStore(config());
        }

        /** The keys a task written through this configuration's store left in the rig's etcd under {@code root}. */
        List<String> storedKeys(String etcd, String root) throws Exception {
            try (TaskStore store = store()) {
                store.put(task("stored"));
            }
            try (Client client = Client.builder().endpoints(etcd).build()) {
                return client.getKVClient().get(ByteSequence.from(root + "/", StandardCharsets.UTF_8),
                                GetOption.builder().isPrefix(true).withKeysOnly(true).build())
                        .get(10, TimeUnit.SECONDS).getKvs().stream()
                        .map(kv -> kv.getKey().toString(StandardCharsets.UTF_8)).toList();
            }
        }

        CdcServer server() {
            if (server == null) {
                server = TestServers.start(config(), new InMemoryTaskStore(), new FakeRunners());
            }
            return server;
        }

        CdcTestClient client() {
            return new CdcTestClient(server().port());
        }

        Reply create(String collection) {
            return create(collection, "");
        }

        Reply create(String collection, String more) {
            return client().request("create", "{\"milvus_connect_param\":{\"uri\":\"http://127.0.0.1:19540\"},"
                    + "\"collection_infos\":[" + collection + "]" + more + "}");
        }

        @Override
        public void close() throws Exception {
            if (server != null) {
                server.close();
            }
            for (AutoCloseable resource : opened) {
                resource.close();
            }
        }
    }

    private static TaskRecord task(String id) {
        TaskSpec spec = new TaskSpec(null, null, List.of(new TaskSpec.CollectionInfo("c", null, false)), null, null,
                null, null, null, false, id);
        return new TaskRecord(id, spec, TaskState.Paused, "");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
