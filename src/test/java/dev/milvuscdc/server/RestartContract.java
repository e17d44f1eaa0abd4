package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.milvuscdc.CdcServer;
import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.store.TaskStore;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Stored tasks come back in their stored state after a restart on the same store: Running
 * restarts, Paused stays paused, {@code disable_auto_start} pauses. One subclass per store backend.
 */
abstract class RestartContract {

    /** Opens the store under test; called once per server start, always on the same data. */
    abstract TaskStore openStore(CdcConfig config);

    private static String createData(String collection, boolean disableAutoStart) {
        return "{\"milvus_connect_param\":{\"uri\":\"http://127.0.0.1:19540\",\"token\":\"root:Milvus\"},"
                + "\"collection_infos\":[{\"name\":\"" + collection + "\"}],\"disable_auto_start\":" + disableAutoStart + "}";
    }

    private CdcServer startOn(CdcConfig config, FakeRunners runners) {
        return TestServers.start(config, openStore(config), runners);
    }

    private static JsonNode task(CdcTestClient client, String id) {
        return client.request("get", "{\"task_id\":\"" + id + "\"}").data().path("task");
    }

    @Test
    void tasksComeBackInTheirStoredState() {
        CdcConfig config = TestServers.config(Map.of());
        FakeRunners before = new FakeRunners();
        String running;
        String paused;
        String noAutoStart;
        try (CdcServer server = startOn(config, before)) {
            CdcTestClient client = new CdcTestClient(server.port());
            running = client.request("create", createData("c1", false)).data().path("task_id").asText();
            paused = client.request("create", createData("c2", false)).data().path("task_id").asText();
            noAutoStart = client.request("create", createData("c3", true)).data().path("task_id").asText();
            assertThat(client.request("pause", "{\"task_id\":\"" + paused + "\"}").code()).isEqualTo(200);
        }
        assertThat(before.active(running)).as("runners are stopped on shutdown").isZero();

        FakeRunners after = new FakeRunners();
        try (CdcServer server = startOn(config, after)) {
            CdcTestClient client = new CdcTestClient(server.port());
            // Stored tasks are brought back in the background, after the listener answers.
            await().until(() -> after.active(running) == 1
                    && task(client, noAutoStart).path("reason").asText().equals("the task is disabled auto start"));

            assertThat(task(client, running).path("state").asText()).isEqualTo("Running");

            assertThat(task(client, paused).path("state").asText()).isEqualTo("Paused");
            assertThat(task(client, paused).path("reason").asText()).isEqualTo("manually pause through http interface");
            assertThat(after.created()).noneMatch(r -> r.task.taskId().equals(paused));

            assertThat(task(client, noAutoStart).path("state").asText()).isEqualTo("Paused");
            assertThat(task(client, noAutoStart).path("reason").asText()).isEqualTo("the task is disabled auto start");
            assertThat(after.created()).noneMatch(r -> r.task.taskId().equals(noAutoStart));

            assertThat(task(client, running).path("milvus_connect_param").path("uri").asText())
                    .isEqualTo("http://127.0.0.1:19540");
        }
    }

    @Test
    void aTaskWhoseRunnerCannotStartComesBackPausedWithTheReason() {
        CdcConfig config = TestServers.config(Map.of());
        String id;
        try (CdcServer server = startOn(config, new FakeRunners())) {
            id = new CdcTestClient(server.port()).request("create", createData("c1", false)).data().path("task_id").asText();
        }
        FakeRunners failing = new FakeRunners();
        failing.failStartWith("source channel gone");

        try (CdcServer server = startOn(config, failing)) {
            CdcTestClient client = new CdcTestClient(server.port());
            await().until(() -> task(client, id).path("state").asText().equals("Paused"));
            JsonNode task = task(client, id);

            assertThat(task.path("state").asText()).isEqualTo("Paused");
            assertThat(task.path("reason").asText()).isEqualTo("fail to start task, err: source channel gone");
        }
    }
}
