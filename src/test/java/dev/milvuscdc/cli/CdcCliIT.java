package dev.milvuscdc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.server.CdcProcess;
import dev.milvuscdc.server.CdcTestClient;
import dev.milvuscdc.server.SourceWriteStream;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/cdc} against a real server on the rig replicating a real write stream: every
 * operation, its tables and its JSON, and the server's own codes and messages when it refuses.
 */
class CdcCliIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "root:Milvus";

    @TempDir
    Path dataDir;

    private static CliRun cdc(String url, String... args) {
        List<String> all = new ArrayList<>(List.of("--url", url));
        all.addAll(List.of(args));
        return CliRun.of(CdcCli.commandLine(), all.toArray(String[]::new));
    }

    @Test
    void everyOperationAgainstAServerReplicatingAWriteStream() throws Exception {
        String db = "cli_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> collection = Map.of("db", db, "name", "stream", "schema", "basic");
        try (MilvusPair milvus = new MilvusPair()) {
            try (CdcProcess server = CdcProcess.onRig(dataDir.resolve("cdc")).start()) {
                String url = server.url();
                assertThat(cdc(url, "list").out()).startsWith("TASK ID").hasLineCount(1);

                String badCreate = "{\"milvus_connect_param\":{\"uri\":\"" + Rig.get().targetUri() + "\",\"ignore_partition\":true},"
                        + "\"collection_infos\":[{\"name\":\"*\"}]}";
                CdcTestClient.Reply api = server.client().request("create", badCreate);
                CliRun refused = cdc(url, "create", "--data", badCreate);
                assertThat(refused.exit()).isEqualTo(1);
                assertThat(refused.err().strip()).isEqualTo("cdc create: code " + api.code() + ": " + api.message());

                milvus.source.run("create_database", Map.of("db", db));
                milvus.source.createLoaded(collection, 2);
                CliRun created = cdc(url, "create", "--data", "{\"milvus_connect_param\":{\"uri\":\"" + Rig.get().targetUri()
                        + "\",\"token\":\"" + SECRET + "\",\"connect_timeout\":10},\"db_collections\":{\"" + db + "\":[{\"name\":\"*\"}]}}");
                assertThat(created.exit()).as(created.err()).isZero();
                assertThat(created.out()).startsWith("created task ");
                String taskId = created.out().strip().substring("created task ".length());

                CliRun list = cdc(url, "list");
                assertThat(list.out()).containsPattern(taskId + "\\s+Running\\s+" + Rig.get().targetUri() + "\\s+" + db + "\\.\\*");
                JsonNode listed = JSON.readTree(cdc(url, "list", "--json").out());
                assertThat(listed.path("tasks").get(0).path("task_id").asText()).isEqualTo(taskId);
                assertThat(listed.toString()).doesNotContain(SECRET);

                try (SourceWriteStream stream = new SourceWriteStream(collection)) {
                    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                        CliRun watch = cdc(url, "watch", "--json", "--count", "2", "--interval", "2");
                        assertThat(watch.exit()).as(watch.err()).isZero();
                        String[] frames = watch.out().strip().split("\n");
                        assertThat(frames).hasSize(2);
                        JsonNode last = JSON.readTree(frames[1]).path("tasks").get(0);
                        assertThat(last.path("task_id").asText()).isEqualTo(taskId);
                        assertThat(last.path("rows_per_s").asDouble()).as("rows applied per second while writing").isPositive();
                    });
                    CliRun table = cdc(url, "watch", "--count", "1");
                    assertThat(table.out()).contains("LAG (S)").containsPattern(taskId + "\\s+Running\\s+\\d+\\.\\d\\s+-\\s+[1-9]\\d*");
                }

                assertThat(cdc(url, "pause", taskId).out().strip()).isEqualTo("paused task " + taskId);
                CliRun paused = cdc(url, "get", taskId);
                assertThat(paused.out()).containsPattern("state\\s+Paused").containsPattern("reason\\s+manually pause");
                assertThat(paused.out()).contains("CHANNEL").contains("by-dev-rootcoord-dml_");
                assertThat(cdc(url, "pause", taskId).err()).contains("the task has paused, task_id: " + taskId);
                assertThat(cdc(url, "resume", taskId).out().strip()).isEqualTo("resumed task " + taskId);
                JsonNode got = JSON.readTree(cdc(url, "get", "--json", taskId).out());
                assertThat(got.path("task").path("state").asText()).isEqualTo("Running");
                assertThat(got.path("positions")).isNotEmpty();
                assertThat(got.toString()).doesNotContain(SECRET);

                assertThat(cdc(url, "delete", taskId).out().strip()).isEqualTo("deleted task " + taskId);
                CliRun gone = cdc(url, "get", taskId);
                assertThat(gone.exit()).isEqualTo(1);
                assertThat(gone.err()).contains("code 400: ").contains(taskId);
                assertThat(cdc(url, "delete", "--ignore-not-found", taskId).exit()).isZero();
            }
        }
    }

    @Test
    void aServerThatIsNotThereIsNamed() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        CliRun run = cdc("http://127.0.0.1:" + closed, "list");
        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.err().strip()).isEqualTo("cdc list: cannot reach the CDC server at http://127.0.0.1:" + closed
                + ": connection refused (start it with scripts/run, or name another with --url or CDC_SERVER_URL)");
    }
}
