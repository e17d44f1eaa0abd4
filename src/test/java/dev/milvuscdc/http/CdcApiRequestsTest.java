package dev.milvuscdc.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import com.fasterxml.jackson.databind.JsonNode;
import dev.milvuscdc.CdcServer;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.server.CapturedLog;
import dev.milvuscdc.server.CdcTestClient.Reply;
import dev.milvuscdc.server.CdcTestClient;
import dev.milvuscdc.server.FakeRunners;
import dev.milvuscdc.server.TestServers;
import dev.milvuscdc.store.InMemoryTaskStore;
import dev.milvuscdc.task.FaultKind;
import dev.milvuscdc.task.TaskSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Every request type of {@code POST /cdc} over real HTTP, with fakes for the target and runners. */
class CdcApiRequestsTest {

    static final String SECRET = "s3cr3t-Pa55word";
    private static final String URI_SECRET = "Uri@Secret-7";
    private static final String URI_SECRET_ENCODED = "Uri%40Secret-7";

    private final FakeRunners runners = new FakeRunners();
    private CdcServer server;
    private CdcTestClient client;

    @BeforeEach
    void start() {
        server = TestServers.start(TestServers.config(Map.of()), new InMemoryTaskStore(), runners);
        client = new CdcTestClient(server.port());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static String createData(String target, String scope) {
        return "{\"milvus_connect_param\":{\"uri\":\"" + target + "\",\"token\":\"root:" + SECRET
                + "\",\"connect_timeout\":5}," + scope + "}";
    }

    private String create(String scope) {
        Reply reply = client.request("create", createData("http://127.0.0.1:19540", scope));
        assertThat(reply.code()).as(reply.body()).isEqualTo(200);
        return reply.data().path("task_id").asText();
    }

    @Test
    void createStartsATaskWithAGeneratedId() {
        String id = create("\"collection_infos\":[{\"name\":\"*\"}]");

        assertThat(id).matches("[0-9a-f]{32}");
        assertThat(runners.active(id)).isEqualTo(1);
        JsonNode task = client.request("get", "{\"task_id\":\"" + id + "\"}").data().path("task");
        assertThat(task.path("state").asText()).isEqualTo("Running");
        assertThat(task.has("reason")).isFalse();
    }

    @Test
    void getAndListShowEveryKeyOfTheReferenceTaskNullOrEmptyWhereUnset() {
        String id = create("\"collection_infos\":[{\"name\":\"c1\"}]");

        JsonNode data = client.request("get", "{\"task_id\":\"" + id + "\"}").data();

        JsonNode task = data.path("task");
        assertThat(data.path("Task")).as("the Milvus docs' spelling").isEqualTo(task);
        assertThat(client.request("list", "{}").data().path("tasks").get(0)).isEqualTo(task);
        assertThat(task.fieldNames()).toIterable().containsExactly("task_id", "milvus_connect_param",
                "kafka_connect_param", "collection_infos", "db_collections", "state",
                "rpc_channel_info", "extra_info", "name_mapping", "buffer_config", "disable_auto_start", "snapshot",
                "write_mode", "owner");
        assertThat(task.path("owner").asText()).as("the one server holds the task it created").isNotBlank();
        assertThat(task.path("milvus_connect_param").toString()).isEqualTo("{\"host\":\"\",\"port\":0,\"enable_tls\":false,"
                + "\"uri\":\"http://127.0.0.1:19540\",\"dial_config\":{},\"channel_num\":0,\"ignore_partition\":false,"
                + "\"connect_timeout\":5}");
        assertThat(task.path("kafka_connect_param").toString())
                .isEqualTo("{\"address\":\"\",\"topic\":\"\",\"enable_sasl\":false,\"sasl\":{}}");
        assertThat(task.path("collection_infos").toString())
                .isEqualTo("[{\"name\":\"c1\",\"positions\":null,\"use_start_position\":false}]");
        assertThat(task.path("db_collections").isNull()).isTrue();
        assertThat(task.path("name_mapping").isNull()).isTrue();
        assertThat(task.path("rpc_channel_info").toString()).isEqualTo("{\"name\":\"\",\"position\":\"\"}");
        assertThat(task.path("extra_info").toString()).isEqualTo("{\"enable_user_role\":false}");
        assertThat(task.path("buffer_config").toString()).isEqualTo("{\"period\":0,\"size\":0}");
    }

    @Test
    void answersAreJsonWithStatus200AndATrailingNewline() {
        Reply reply = client.request("list", "{}");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("{\"code\":200,\"data\":{\"tasks\":[]}}\n");
    }

    @Test
    void keysMatchIgnoringCase() {
        String id = create("\"collection_infos\":[{\"name\":\"c1\"}]");

        Reply reply = client.post("{\"Request_Type\":\"get\",\"REQUEST_DATA\":{\"Task_ID\":\"" + id + "\"}}");

        assertThat(reply.data().path("task").path("task_id").asText()).isEqualTo(id);
    }

    @Test
    void createWithAKnownTaskIdReturnsItWithoutASecondTask() {
        String data = createData("http://127.0.0.1:19540", "\"collection_infos\":[{\"name\":\"c1\"}],\"task_id\":\"mine\"");
        assertThat(client.request("create", data).data().path("task_id").asText()).isEqualTo("mine");

        Reply again = client.request("create", data);

        assertThat(again.body()).isEqualTo("{\"code\":200,\"data\":{\"task_id\":\"mine\"}}\n");
        assertThat(client.request("list", "{}").data().path("tasks")).hasSize(1);
        assertThat(runners.created()).hasSize(1);
    }

    @Test
    void getAndListNeverShowSecrets() {
        String id = create("\"db_collections\":{\"db1\":[{\"name\":\"a\"},{\"name\":\"b\"}]}");
        Reply legacy = client.request("create", "{\"milvus_connect_param\":{\"host\":\"127.0.0.1\",\"port\":19541,"
                + "\"username\":\"root\",\"password\":\"" + SECRET + "\"},\"collection_infos\":[{\"name\":\"c\"}]}");
        assertThat(legacy.code()).as(legacy.body()).isEqualTo(200);

        Reply get = client.request("get", "{\"task_id\":\"" + id + "\"}");
        Reply list = client.request("list", "{}");

        assertThat(get.body()).doesNotContain(SECRET).doesNotContain("token").doesNotContain("password");
        assertThat(list.body()).doesNotContain(SECRET).doesNotContain("password");
        JsonNode task = get.data().path("task");
        assertThat(task.path("task_id").asText()).isEqualTo(id);
        assertThat(task.path("milvus_connect_param").path("uri").asText()).isEqualTo("http://127.0.0.1:19540");
        assertThat(task.path("milvus_connect_param").has("empty")).as("helper methods are not fields").isFalse();
        assertThat(task.path("db_collections").path("db1")).hasSize(2);
        assertThat(list.data().path("tasks")).hasSize(2);
        assertThat(list.data().path("tasks").get(1).path("milvus_connect_param").path("port").asInt()).isEqualTo(19541);
    }

    @Test
    void credentialsInTheUriBecomeTheTokenAndAppearInNoAnswerNorLogLine() {
        String id;
        try (CapturedLog log = new CapturedLog()) {
            Reply created = client.request("create", "{\"milvus_connect_param\":{\"uri\":\"http://root:" + URI_SECRET_ENCODED
                    + "@127.0.0.1:19540\"},\"collection_infos\":[{\"name\":\"c1\"}]}");
            assertThat(created.code()).as(created.body()).isEqualTo(200);
            id = created.data().path("task_id").asText();
            String ref = "{\"task_id\":\"" + id + "\"}";
            List<Reply> answers = List.of(created, client.request("get", ref), client.request("list", "{}"),
                    client.request("position", ref), client.request("pause", ref), client.request("resume", ref));

            assertThat(answers).allSatisfy(reply -> assertThat(reply.body())
                    .doesNotContain(URI_SECRET).doesNotContain(URI_SECRET_ENCODED).doesNotContain("root:"));
            assertThat(log.lines()).isNotEmpty().allSatisfy(line -> assertThat(line)
                    .doesNotContain(URI_SECRET).doesNotContain(URI_SECRET_ENCODED));
            assertThat(answers.get(1).data().path("task").path("milvus_connect_param").path("uri").asText())
                    .isEqualTo("http://127.0.0.1:19540");
        }
        TaskSpec.MilvusConnectParam target = runners.last(id).task.spec().milvusConnectParam();
        assertThat(target.uri()).isEqualTo("http://127.0.0.1:19540");
        assertThat(target.effectiveToken()).isEqualTo("root:" + URI_SECRET);
    }

    @Test
    void pauseResumeAndDeleteAnswerWithEmptyData() {
        String id = create("\"collection_infos\":[{\"name\":\"c1\"}]");
        String ref = "{\"task_id\":\"" + id + "\"}";

        assertThat(client.request("pause", ref).body()).isEqualTo("{\"code\":200,\"data\":{}}\n");
        JsonNode paused = client.request("get", ref).data().path("task");
        assertThat(paused.path("state").asText()).isEqualTo("Paused");
        assertThat(paused.path("reason").asText()).isEqualTo("manually pause through http interface");
        assertThat(runners.active(id)).isZero();

        assertThat(client.request("resume", ref).body()).isEqualTo("{\"code\":200,\"data\":{}}\n");
        assertThat(client.request("get", ref).data().path("task").path("state").asText()).isEqualTo("Running");
        assertThat(runners.active(id)).isEqualTo(1);

        assertThat(client.request("delete", ref).body()).isEqualTo("{\"code\":200,\"data\":{}}\n");
        assertThat(runners.active(id)).isZero();
        assertThat(client.request("get", ref).message()).isEqualTo("fail to handle the get request, error: not found: [" + id + "]");
    }

    @Test
    void deleteWithIgnoreNotFoundSucceedsForAnUnknownTask() {
        Reply reply = client.request("delete", "{\"task_id\":\"nope\",\"ignore_not_found\":true}");

        assertThat(reply.body()).isEqualTo("{\"code\":200,\"data\":{}}\n");
    }

    @Test
    void positionShowsTheRunnersPositions() {
        String id = create("\"collection_infos\":[{\"name\":\"c1\"}]");
        long physical = 1_700_000_000_000L;
        runners.reportPositions(Map.of("by-dev-rootcoord-dml_0",
                new ChannelPosition("by-dev-rootcoord-dml_0", "AQAAAAAAAAA=", physical << 18)));

        JsonNode data = client.request("position", "{\"task_id\":\"" + id + "\"}").data();

        JsonNode position = data.path("positions").get(0);
        assertThat(position.path("channel_name").asText()).isEqualTo("by-dev-rootcoord-dml_0");
        assertThat(position.path("time").asLong()).isEqualTo(physical);
        assertThat(position.path("tt").asLong()).isEqualTo(physical << 18);
        assertThat(position.path("msg_id").asText()).isEqualTo("AQAAAAAAAAA=");
        assertThat(position.path("collection_id").asLong()).isEqualTo(-1);
        assertThat(data.path("op_positions").isNull()).isTrue();
        assertThat(data.path("target_positions").isNull()).isTrue();
    }

    @Test
    void positionOfAnUnknownTaskIsNullAsTheReferenceSendsIt() {
        Reply reply = client.request("position", "{\"task_id\":\"nope\"}");

        assertThat(reply.body()).isEqualTo(
                "{\"code\":200,\"data\":{\"positions\":null,\"op_positions\":null,\"target_positions\":null}}\n");
    }

    @Test
    void maintenanceSetsTheLogLevelAtRuntime() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        Level before = root.getLevel();
        try {
            Reply reply = client.request("maintenance", "{\"operation\":\"set_log_level\",\"params\":{\"log_level\":\"warn\"}}");

            assertThat(reply.body()).isEqualTo("{\"code\":200,\"data\":{\"State\":\"set log level to warn\"}}\n");
            assertThat(root.getLevel()).isEqualTo(Level.WARN);
        } finally {
            root.setLevel(before);
        }
    }

    @Test
    void maintenanceExplainsBadInputInItsState() {
        assertThat(client.request("maintenance", "{\"operation\":\"set_log_level\",\"params\":{}}").data().path("State").asText())
                .isEqualTo("log_level is required");
        assertThat(client.request("maintenance", "{\"operation\":\"set_log_level\",\"params\":{\"log_level\":\"loud\"}}")
                .data().path("State").asText()).isEqualTo("parse log level failed: unrecognized level: \"loud\"");
        assertThat(client.request("maintenance", "{\"operation\":\"set_force_log_msg\",\"params\":{\"force\":true}}")
                .data().path("State").asText()).isEqualTo("unsupported operation: set_force_log_msg");
    }

    @Test
    void healthReportsSourceAndStore() {
        Reply reply = client.get("/health");

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("status").asText()).isEqualTo("UP");
        assertThat(reply.json().path("source").path("etcd").asText()).isEqualTo("UP");
        assertThat(reply.json().path("source").path("kafka").asText()).isEqualTo("UP");
        assertThat(reply.json().path("store").asText()).isEqualTo("UP");
    }

    @Test
    void metricsUseTheReferenceNames() {
        String id = create("\"collection_infos\":[{\"name\":\"c1\"}]");
        client.request("pause", "{\"task_id\":\"" + id + "\"}");

        String metrics = client.get("/cdc/metrics").body();

        assertThat(metrics)
                .contains("milvus_cdc_task_num{task_state=\"Paused\"} 1.0")
                .contains("milvus_cdc_task_num{task_state=\"Running\"} 0.0")
                .contains("milvus_cdc_task_state{task_id=\"" + id + "\"} 2.0")
                .contains("milvus_cdc_request_total{request_status=\"success\",request_type=\"create\"} 1.0")
                .contains("milvus_cdc_request_latency_bucket{request_type=\"create\",le=\"128.0\"}");
    }

    @Test
    void aRunnerFailurePausesTheTaskWithItsReason() {
        String id = create("\"collection_infos\":[{\"name\":\"c1\"}]");
        String ref = "{\"task_id\":\"" + id + "\"}";

        runners.last(id).listener.retrying(FaultKind.TARGET, "target busy, retrying");
        await().until(() -> "target busy, retrying".equals(
                client.request("get", ref).data().path("task").path("reason").asText()));
        assertThat(client.request("get", ref).data().path("task").path("state").asText()).isEqualTo("Running");

        runners.last(id).listener.failed(FaultKind.TARGET, "the target refused the schema");
        await().until(() -> "Paused".equals(client.request("get", ref).data().path("task").path("state").asText()));
        assertThat(client.request("get", ref).data().path("task").path("reason").asText())
                .isEqualTo("the target refused the schema");
        assertThat(runners.last(id).stopped).isTrue();
    }
}
