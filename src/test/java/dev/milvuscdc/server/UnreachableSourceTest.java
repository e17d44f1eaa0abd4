package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.CdcServer;
import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.server.CdcTestClient.Reply;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With the real source probe and a source that is not there, the server still starts and says so. */
class UnreachableSourceTest {

    @TempDir
    Path dataDir;

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void theServerStartsReportsTheSourceAndRefusesCreate() throws IOException {
        CdcConfig config = TestServers.config(Map.of(
                "CDC_DATADIR", dataDir.toString(),
                "CDC_SOURCECONFIG_ETCD_ADDRESS", "http://127.0.0.1:" + closedPort(),
                "CDC_SOURCECONFIG_KAFKA_ADDRESS", "127.0.0.1:" + closedPort()));
        try (CdcServer server = CdcServer.start(config, (store, metrics) -> new FakeRunners())) {
            CdcTestClient client = new CdcTestClient(server.port());

            Reply health = client.get("/health");
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().path("status").asText()).isEqualTo("DEGRADED");
            assertThat(health.json().path("source").path("etcd").asText()).startsWith("DOWN: no answer from http://127.0.0.1:");
            assertThat(health.json().path("source").path("kafka").asText()).startsWith("DOWN: no answer from 127.0.0.1:");
            assertThat(health.json().path("store").asText()).isEqualTo("UP");

            Reply create = client.request("create", "{\"milvus_connect_param\":{\"uri\":\"http://127.0.0.1:1\"},"
                    + "\"collection_infos\":[{\"name\":\"c\"}]}");
            assertThat(create.code()).isEqualTo(500);
            assertThat(create.message()).startsWith(
                    "fail to handle the create request, error: the source Milvus cannot be reached, check sourceConfig: etcd DOWN");
            assertThat(client.request("list", "{}").data().path("tasks")).isEmpty();
        }
    }
}
