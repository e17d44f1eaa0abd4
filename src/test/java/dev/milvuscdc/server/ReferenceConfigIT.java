package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.milvuscdc.rig.MilvusDriver;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference's configuration files as a user brings them: a 1.x and a 2.x {@code cdc.yaml}
 * (test resources written from the reference's key names), with only the addresses changed to the
 * rig's, start the real server process, which replicates rows that a task created the way the
 * reference's scripts create one (credentials in the uri, {@code channel_num} 16 against the rig's
 * 4 target channels, every other option at its default). No answer and no log line shows the password.
 * On a Pulsar rig the files get a {@code pulsar} section and the server reads Pulsar.
 */
class ReferenceConfigIT {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String URI_PASSWORD = "Ref-Uri-Secret-42";
    private static final Duration CATCH_UP = Duration.ofSeconds(180);

    private static final MilvusPair milvus = new MilvusPair();

    @TempDir
    Path dir;

    @AfterAll
    static void closeDrivers() {
        milvus.close();
    }

    @Test
    void aReference1xFileStartsTheServerWhichReplicates() throws Exception {
        ObjectNode config = resource("cdc-1.x.yaml");
        String etcd = URI.create(Rig.get().etcdEndpoints().split(",")[0]).getAuthority();
        ConfigFiles.set(config, "metaStoreConfig.etcdEndpoints", YAML.createArrayNode().add(etcd));
        ConfigFiles.set(config, "metaStoreConfig.rootPath", text("ref1x-" + UUID.randomUUID()));
        ConfigFiles.set(config, "sourceConfig.etcdAddress", YAML.createArrayNode().add(etcd));
        ConfigFiles.set(config, "sourceConfig.etcdRootPath", text(Rig.get().sourceEtcdRoot()));
        pointAtTheRigsSourceLog(config);

        List<String> log = replicateWith(config);

        assertThat(log).anySatisfy(line -> assertThat(line)
                .contains("reading reference 1.x configuration keys under their current names: "
                        + "sourceConfig.etcdAddress as sourceConfig.etcd.address"));
    }

    @Test
    void aReference2xFileStartsTheServerWhichReplicates() throws Exception {
        ObjectNode config = resource("cdc-2.x.yaml");
        ConfigFiles.set(config, "metaStoreConfig.mysqlSourceUrl", text(Rig.get().mysqlGoDsn()));
        ConfigFiles.set(config, "metaStoreConfig.rootPath", text("ref2x-" + UUID.randomUUID()));
        ConfigFiles.set(config, "sourceConfig.etcd.address",
                YAML.createArrayNode().add(Rig.get().etcdEndpoints().split(",")[0]));
        ConfigFiles.set(config, "sourceConfig.etcd.rootPath", text(Rig.get().sourceEtcdRoot()));
        pointAtTheRigsSourceLog(config);

        List<String> log = replicateWith(config);

        assertThat(log).anySatisfy(line -> assertThat(line)
                .contains("configuration keys read but without effect in this server: packer.* (")
                .contains("retry.retryTimes (").contains("batchMode ("));
    }

    /**
     * The rig's Kafka, or its Pulsar as the reference's sample writes a {@code pulsar} section (a
     * host:port webAddress, maxMessageSize), with the rig's tenant, namespace and token. The sample's
     * {@code kafka} section stays: a set {@code pulsar.address} wins, as in the reference.
     */
    private static void pointAtTheRigsSourceLog(ObjectNode config) {
        Rig rig = Rig.get();
        if (!rig.pulsarSource()) {
            ConfigFiles.set(config, "sourceConfig.kafka.address", text(rig.kafkaBootstrap()));
            return;
        }
        ConfigFiles.set(config, "sourceConfig.pulsar.address", text(rig.pulsarUrl()));
        ConfigFiles.set(config, "sourceConfig.pulsar.webAddress", text(URI.create(rig.pulsarWebUrl()).getAuthority()));
        ConfigFiles.set(config, "sourceConfig.pulsar.maxMessageSize", IntNode.valueOf(5242880));
        ConfigFiles.set(config, "sourceConfig.pulsar.tenant", text(rig.pulsarTenant()));
        ConfigFiles.set(config, "sourceConfig.pulsar.namespace", text(rig.pulsarNamespace()));
        ConfigFiles.set(config, "sourceConfig.pulsar.authPlugin", text(Rig.PULSAR_TOKEN_AUTH));
        ConfigFiles.set(config, "sourceConfig.pulsar.authParams", text("token:" + rig.pulsarToken()));
    }

    /** Starts the server on the file, replicates a fresh database through it, and returns the server's log. */
    private List<String> replicateWith(ObjectNode config) throws Exception {
        String db = "ref_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> collection = Map.of("db", db, "name", "rows", "schema", "basic");
        Path serverDir = dir.resolve("server");
        try (CdcProcess server = CdcProcess.withConfig(serverDir, config)) {
            CdcTestClient client = startShowingWhyNot(server).client();
            URI target = URI.create(Rig.get().targetUri());
            CdcTestClient.Reply created = client.request("create", """
                    {"milvus_connect_param":{"uri":"http://root:%s@%s","channel_num":16,"ignore_partition":false,
                     "connect_timeout":10},"db_collections":{"%s":[{"name":"*"}]},
                     "buffer_config":{"period":0,"size":0},"extra_info":{"enable_user_role":false}}"""
                    .formatted(URI_PASSWORD, target.getAuthority(), db));
            assertThat(created.code()).as(created.body()).isEqualTo(200);
            String taskRef = "{\"task_id\":\"" + created.data().path("task_id").asText() + "\"}";
            try {
                MilvusDriver source = milvus.source;
                source.run("create_database", Map.of("db", db));
                source.createLoaded(collection, 2);
                source.run("insert", MilvusPair.with(collection, "start", 1, "count", 300));
                source.run("delete", MilvusPair.with(collection, "ids", List.of(5, 6, 7)));
                milvus.awaitTargetEqualsSource(collection, CATCH_UP);
                await().atMost(CATCH_UP).untilAsserted(() ->
                        assertThat(milvus.target.run("count", collection).get("count").asInt()).isEqualTo(297));

                CdcTestClient.Reply get = client.request("get", taskRef);
                assertThat(get.data().path("task").path("milvus_connect_param").path("uri").asText())
                        .isEqualTo("http://" + target.getAuthority());
                assertThat(List.of(get.body(), client.request("list", "{}").body())).allSatisfy(body ->
                        assertThat(body).doesNotContain(URI_PASSWORD));
            } catch (RuntimeException | AssertionError e) {
                // the log goes with the temp dir: its warnings are all CI keeps of why
                List<String> lines = Files.readAllLines(server.log());
                lines.subList(Math.max(0, lines.size() - 80), lines.size()).forEach(l -> System.out.println("server: " + l));
                throw e;
            } finally {
                assertThat(client.request("delete", taskRef).code()).isEqualTo(200);
            }
        }
        List<String> log = Files.readAllLines(serverDir.resolve("server.log"));
        assertThat(log).noneMatch(line -> line.contains(URI_PASSWORD));
        assertThat(log).noneMatch(line -> line.contains("ignoring unknown configuration keys"));
        if (Rig.get().pulsarSource()) {
            assertThat(log).noneMatch(line -> line.contains(Rig.get().pulsarToken()));
            assertThat(log).anySatisfy(line -> assertThat(line).contains("the source's log is read from Pulsar"));
            assertThat(log).anySatisfy(line -> assertThat(line).contains("configuration keys read but without effect")
                    .contains("sourceConfig.pulsar.maxMessageSize (a reader takes the messages the broker holds"));
        }
        return log;
    }

    /** Starts the server; when it does not come up, its warnings and errors go to the test output (the log goes with the temp dir). */
    private static CdcProcess startShowingWhyNot(CdcProcess server) throws IOException {
        try {
            return server.start();
        } catch (RuntimeException | AssertionError e) {
            server.warnings().forEach(l -> System.out.println("server: " + l));
            throw e;
        }
    }

    private static ObjectNode resource(String name) throws IOException {
        try (InputStream in = ReferenceConfigIT.class.getResourceAsStream("/reference-config/" + name)) {
            return (ObjectNode) YAML.readTree(in);
        }
    }

    private static TextNode text(String value) {
        return TextNode.valueOf(value);
    }
}
