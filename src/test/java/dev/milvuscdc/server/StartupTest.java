package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.milvuscdc.CdcServer;
import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.server.CdcTestClient.Reply;
import dev.milvuscdc.server.FakeRunners.Gate;
import dev.milvuscdc.store.InMemoryTaskStore;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The listener answers before stored tasks are started, so a runner that is slow to start delays no answer. */
class StartupTest {

    private static final Duration AT_ONCE = Duration.ofSeconds(5);
    private static final String CREATE = "{\"milvus_connect_param\":{\"uri\":\"http://127.0.0.1:19540\"},"
            + "\"collection_infos\":[{\"name\":\"%s\"}],\"task_id\":\"%s\"}";

    private final InMemoryTaskStore store = new InMemoryTaskStore();
    private final CdcConfig config = TestServers.config(Map.of());

    @Test
    void healthAndTheApiAnswerWhileAStoredTaskStartsSlowly() throws InterruptedException {
        try (CdcServer before = TestServers.start(config, store, new FakeRunners())) {
            assertThat(new CdcTestClient(before.port()).request("create", CREATE.formatted("c1", "slow")).code()).isEqualTo(200);
        }
        FakeRunners runners = new FakeRunners();
        Gate starting = runners.holdStarts("slow");
        try (CdcServer server = assertTimeoutPreemptively(AT_ONCE, () -> TestServers.start(config, store, runners))) {
            starting.awaitReached();
            CdcTestClient client = new CdcTestClient(server.port());

            assertTimeoutPreemptively(AT_ONCE, () -> {
                Reply health = client.get("/health");
                assertThat(health.status()).isEqualTo(200);
                assertThat(health.json().path("status").asText()).isEqualTo("UP");
                Reply list = client.request("list", "{}");
                assertThat(list.data().path("tasks").get(0).path("task_id").asText()).isEqualTo("slow");
                assertThat(client.request("create", CREATE.formatted("c2", "other")).code()).isEqualTo(200);
            });

            starting.open();
            await().until(() -> runners.active("slow") == 1);
        } finally {
            starting.open();
        }
        assertThat(runners.violations()).isEmpty();
    }
}
