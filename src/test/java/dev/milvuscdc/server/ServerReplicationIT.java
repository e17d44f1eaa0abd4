package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.milvuscdc.rig.MilvusDriver;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product on the rig: the server in its own process, driven over HTTP, replicating a
 * source collection that is being written to while the operator pauses the task, the server is
 * killed, or the target Milvus goes away. The target is compared with the source row by row.
 */
class ServerReplicationIT {

    private static final Duration CATCH_UP = Duration.ofSeconds(180);
    static final String TARGET_OUTAGE = "target-outage";

    private static final MilvusPair milvus = new MilvusPair();
    private static final MilvusDriver source = milvus.source;
    private static final MilvusDriver target = milvus.target;

    @TempDir
    Path dataDir;
    private CdcProcess server;
    private String db;
    private Map<String, Object> collection;

    @AfterAll
    static void closeDrivers() {
        milvus.close();
    }

    @BeforeEach
    void startServerAndCollection() {
        server = CdcProcess.onRig(dataDir.resolve("cdc")).start();
        db = "srv_" + UUID.randomUUID().toString().substring(0, 8);
        collection = Map.of("db", db, "name", "stream", "schema", "basic");
    }

    /** The server's warnings and errors go to the test output: its log is removed with the data directory. */
    @AfterEach
    void stopServer() throws InterruptedException, IOException {
        server.close();
        server.warnings().stream().limit(40).forEach(l -> System.out.println("server: " + l));
        if (Files.exists(server.log())) {
            assertThat(Files.readAllLines(server.log())).noneMatch(l -> l.contains("Exception in thread"));
        }
    }

    @Test
    void pauseDuringAWriteStreamThenResumeDeliversEverythingOnce() throws InterruptedException {
        String taskId = createTask();
        try (SourceWriteStream stream = startStream()) {
            awaitRowsOnTarget();
            CdcTestClient.Reply paused = server.client().request("pause", taskIdBody(taskId));
            assertThat(paused.code()).as(paused.body()).isEqualTo(200);
            assertThat(state(taskId)).isEqualTo("Paused");
            int pausedAt = stream.batches();
            await().atMost(Duration.ofSeconds(60)).until(() -> stream.batches() >= pausedAt + 10);
            CdcTestClient.Reply resumed = server.client().request("resume", taskIdBody(taskId));
            assertThat(resumed.code()).as(resumed.body()).isEqualTo(200);
            Thread.sleep(2000);
        }
        awaitTargetEqualsSource();
        assertThat(state(taskId)).isEqualTo("Running");

        JsonNode positions = server.client().request("position", taskIdBody(taskId)).data().get("positions");
        assertThat(positions).as("the replicate channel and the channels of the collection's two shards, read since"
                + " the collection appeared").hasSize(3);
        assertThat(positions).extracting(p -> p.get("channel_name").asText()).contains(replicateChannel())
                .filteredOn(name -> !name.equals(replicateChannel())).allMatch(name -> name.contains("-rootcoord-dml_"));
        assertThat(positions).allSatisfy(p -> assertThat(p.get("msg_id").asText()).isNotEmpty());
        assertThat(server.client().get("/cdc/metrics").body())
                .containsPattern("milvus_cdc_replicate_data_cnt_total\\{[^}]*task_id=\"" + taskId + "\"")
                .containsPattern("milvus_cdc_replicate_data_size_total\\{msg_type=\"insert\",op_type=\"write\",task_id=\""
                        + taskId + "\",vchannel_name=\"[^\"]*-rootcoord-dml_\\d+\"} [1-9]")
                .containsPattern("milvus_cdc_replicate_tt\\{[^}]*task_id=\"" + taskId + "\"");
    }

    @Test
    void serverKilledMidStreamAndRestartedLeavesTargetEqualToSource() throws InterruptedException {
        createTask();
        try (SourceWriteStream stream = startStream()) {
            awaitRowsOnTarget();
            server.kill();
            int killedAt = stream.batches();
            await().atMost(Duration.ofSeconds(60)).until(() -> stream.batches() >= killedAt + 10);
            server.start();
            Thread.sleep(3000);
        }
        awaitTargetEqualsSource();
    }

    /**
     * Tagged {@value #TARGET_OUTAGE}: scripts/test leaves it out of the pass on the Pulsar rig, where it would
     * test the target's outage a second time (one to two minutes); the next test covers the Pulsar reader's reading
     * again after a target restart. In the replicate write mode the restart pauses the task, with a reason
     * that says why; resumed, it goes on.
     */
    @Test
    @Tag(TARGET_OUTAGE)
    void targetStoppedMidStreamTaskRecoversByItself() throws InterruptedException {
        String taskId = createTask();
        try (SourceWriteStream stream = startStream()) {
            awaitRowsOnTarget();
            outage("milvus-target", taskId);
            if (Rig.get().targetReplicateMode()) {
                awaitPausedByRestart(taskId, "the target Milvus restarted (");
                resume(taskId);
            }
            Thread.sleep(2000);
        }
        awaitTargetEqualsSource();
        awaitRecovered(taskId);
    }

    /**
     * A target that restarts while no server watches it may lose writes it acknowledged (docs/rig.md)
     * without any call of the task failing: the task finds its proxy's node id changed when it starts, and
     * writes again what the target may have lost. In the replicate write mode, where writing ticked
     * messages again would duplicate them, it pauses and says why; resumed, it goes on, and the
     * comparison shows whether the target kept them.
     */
    @Test
    void targetRestartedWhileTheServerWasDownIsNoticedWhenTheTaskStarts() throws InterruptedException, IOException {
        String taskId = createTask();
        try (SourceWriteStream stream = startStream()) {
            awaitRowsOnTarget();
        }
        server.kill();
        Rig.get().stop("milvus-target");
        Rig.get().start("milvus-target");
        server.start();

        if (Rig.get().targetReplicateMode()) {
            awaitPausedByRestart(taskId, "the target Milvus restarted while the task did not watch it (its proxy was node");
            resume(taskId);
        } else {
            await().atMost(CATCH_UP).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> assertThat(Files.readAllLines(server.log()))
                    .anyMatch(line -> line.contains("the target Milvus restarted while the task did not watch it (its proxy was node")
                            && line.contains("it reads again")));
        }
        awaitTargetEqualsSource();
        awaitRecovered(taskId);
    }

    @Test
    void sourceBrokerStoppedTaskShowsWhyAndCatchesUpWhenItReturns() throws InterruptedException {
        String taskId = createTask();
        createSourceCollection();
        source.run("insert", MilvusPair.with(collection, "start", 1, "count", 100));
        awaitRowsOnTarget();
        outage(Rig.get().sourceMq(), taskId);
        await().atMost(CATCH_UP).ignoreExceptions().untilAsserted(() ->
                source.run("insert", MilvusPair.with(collection, "start", 100_000, "count", 100)));

        awaitTargetEqualsSource();
        awaitRecovered(taskId);
    }

    /**
     * Stops a rig component under a running task, expects the task to wait for it (Running, with a
     * reason that says it retries, never Paused), then starts the component again.
     */
    private void outage(String component, String taskId) throws InterruptedException {
        Rig.get().stop(component);
        try {
            await().atMost(Duration.ofSeconds(90))
                    .failFast("the task paused instead of retrying", () -> "Paused".equals(state(taskId)))
                    .untilAsserted(() -> assertThat(task(taskId).path("reason").asText()).contains("retrying"));
        } finally {
            Rig.get().start(component);
        }
    }

    /** In the replicate write mode: the task paused, its reason naming the restart and what the mode cannot do. */
    private void awaitPausedByRestart(String taskId, String cause) {
        await().atMost(CATCH_UP).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            JsonNode task = task(taskId);
            assertThat(task.path("state").asText()).isEqualTo("Paused");
            assertThat(task.path("reason").asText()).contains(cause)
                    .contains("in the replicate write mode the task cannot write them again");
        });
    }

    private void resume(String taskId) {
        assertThat(server.client().request("resume", taskIdBody(taskId)).code()).isEqualTo(200);
    }

    private void awaitRecovered(String taskId) {
        assertThat(state(taskId)).isEqualTo("Running");
        await().atMost(CATCH_UP).untilAsserted(() -> assertThat(task(taskId).path("reason").asText()).isEmpty());
    }

    private String createTask() {
        return server.client().createTaskOver(db);
    }

    private SourceWriteStream startStream() {
        createSourceCollection();
        return new SourceWriteStream(collection);
    }

    private void createSourceCollection() {
        source.run("create_database", Map.of("db", db));
        source.createLoaded(collection, 2);
    }

    private void awaitRowsOnTarget() {
        await().atMost(CATCH_UP).pollInterval(Duration.ofSeconds(1)).ignoreExceptions().untilAsserted(() ->
                assertThat(target.run("count", collection).get("count").asInt()).isPositive());
    }

    private void awaitTargetEqualsSource() {
        milvus.awaitTargetEqualsSource(collection, CATCH_UP);
    }

    private JsonNode task(String taskId) {
        return server.client().request("get", taskIdBody(taskId)).data().get("task");
    }

    private String state(String taskId) {
        return task(taskId).get("state").asText();
    }

    private static String taskIdBody(String taskId) {
        return "{\"task_id\":\"" + taskId + "\"}";
    }

    /** The rig's replicate channel, as its config tells the server. */
    private static String replicateChannel() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(Path.of(Rig.get().cdcConfig()).toFile())
                    .path("sourceConfig").path("replicateChan").asText();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
