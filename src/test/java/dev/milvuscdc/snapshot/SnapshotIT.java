package dev.milvuscdc.snapshot;

import static dev.milvuscdc.rig.MilvusPair.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.milvuscdc.rig.MilvusDriver;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.server.CdcProcess;
import dev.milvuscdc.server.CdcTestClient.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task created with {@code snapshot: "initial"} on a source that already holds rows, while a
 * writer inserts, upserts and deletes in every collection, and the server is killed (SIGKILL) and
 * then paused in the middle of the copy: the copy continues from its stored progress each time, and
 * the target ends equal to the source (every key and field, {@code count(*)} per partition), with
 * the same indexes and load state.
 */
class SnapshotIT {

    private static final int ROWS = 20_000;
    private static final Duration CATCH_UP = Duration.ofMinutes(4);

    private static final MilvusPair milvus = new MilvusPair();
    private static final MilvusDriver source = milvus.source;
    private static final MilvusDriver target = milvus.target;

    @TempDir
    Path dir;

    @AfterAll
    static void closeDrivers() {
        milvus.close();
    }

    @Test
    void anInitialCopyWithWritesAKillAndAPauseEndsEqualToTheSource() throws Exception {
        String unique = UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        String shop = "snap_" + unique;
        String archive = "snapb_" + unique;
        Map<String, Object> ints = Map.of("db", shop, "name", "ints", "schema", "basic");
        Map<String, Object> strs = Map.of("db", shop, "name", "strs", "schema", "varchar_pk");
        Map<String, Object> auto = Map.of("db", archive, "name", "auto", "schema", "autoid");
        source.run("create_database", Map.of("db", shop));
        source.run("create_database", Map.of("db", archive));
        for (Map<String, Object> coll : List.of(ints, strs, auto)) {
            source.run("create_collection", with(coll, "shards", 2));
            source.run("create_index", coll);
        }
        source.run("create_partition", with(ints, "partition", "p1"));
        source.run("load", ints);
        source.run("load", strs);
        source.run("insert", with(ints, "start", 0, "count", ROWS / 2, "batch", 5_000));
        source.run("insert", with(ints, "start", ROWS / 2, "count", ROWS / 2, "batch", 5_000, "partition", "p1"));
        source.run("insert", with(strs, "start", 0, "count", ROWS, "batch", 5_000));
        List<Long> autoKeys = new ArrayList<>();
        source.run("insert", with(auto, "start", 0, "count", ROWS, "batch", 5_000)).get("primary_keys")
                .forEach(k -> autoKeys.add(k.asLong()));
        source.run("flush", ints);
        source.run("flush", strs);
        source.run("flush", auto);

        CdcProcess server = server(dir).start();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = new Thread(() -> write(ints, strs, auto, autoKeys, writing, writerFailed), "snapshot-it-writer");
        try {
            String taskId = createSnapshotTask(server, "\"" + shop + "\":[{\"name\":\"*\"}],\"" + archive
                    + "\":[{\"name\":\"*\"}]");
            writer.start();

            awaitCopying(server, taskId, 1);
            server.kill();
            server = server(dir).start();
            long afterRestart = copied(status(server, taskId));
            // The copy goes on between the status read and the kill (31,950 rows once in CI): the stored
            // progress is bounded by what the three collections held, not by what the test last saw.
            assertThat(afterRestart).as("progress stored before the kill").isGreaterThan(0).isLessThanOrEqualTo(3L * ROWS);

            assertThat(server.client().request("pause", "{\"task_id\":\"" + taskId + "\"}").code()).isEqualTo(200);
            JsonNode paused = status(server, taskId);
            long atPause = copied(paused);
            assertThat(paused.path("phase").asText()).as("paused during the copy: " + paused).isEqualTo("copying");
            assertThat(copied(status(server, taskId))).as("a paused task copies nothing").isEqualTo(atPause);
            assertThat(server.client().request("resume", "{\"task_id\":\"" + taskId + "\"}").code()).isEqualTo(200);

            CdcProcess running = server;
            await().atMost(CATCH_UP).pollInterval(Duration.ofSeconds(1)).until(() ->
                    status(running, taskId).path("phase").asText().equals("streaming"));
            writing.set(false);
            writer.join();
            assertThat(writerFailed.get()).isNull();

            String log = Files.readString(server.log());
            assertThat(log).as("the copies resumed from their stored progress")
                    .containsPattern("initial copy of \\S+ \\(source id \\d+\\) started: \\d+ rows on the source at the start, [1-9]\\d* copied before");
            JsonNode done = status(server, taskId);
            assertThat(done.path("collections")).hasSize(3);
            done.path("collections").forEach(c -> assertThat(c.path("state").asText()).isEqualTo("streaming"));

            milvus.awaitTargetEqualsSource(ints, CATCH_UP);
            milvus.awaitTargetEqualsSource(strs, CATCH_UP);
            for (String partition : List.of("_default", "p1")) {
                assertThat(target.run("count", with(ints, "partition", partition)))
                        .isEqualTo(source.run("count", with(ints, "partition", partition)));
            }
            for (Map<String, Object> coll : List.of(ints, strs, auto)) {
                JsonNode copy = target.run("describe", coll);
                JsonNode original = source.run("describe", coll);
                assertThat(copy.get("indexes")).as("indexes of " + coll).isEqualTo(original.get("indexes"));
                assertThat(copy.get("load_state")).as("load state of " + coll).isEqualTo(original.get("load_state"));
                assertThat(copy.get("partitions")).isEqualTo(original.get("partitions"));
            }
            assertThat(source.run("describe", auto).get("load_state").asText()).as("released after its copy").isEqualTo("NotLoad");
            source.run("load", auto);
            await().atMost(CATCH_UP).untilAsserted(() ->
                    assertThat(target.run("describe", auto).get("load_state").asText()).isEqualTo("Loaded"));
            milvus.awaitTargetEqualsSource(auto, CATCH_UP);
            assertThat(server.warnings()).noneMatch(line -> line.contains(" ERROR "));
        } catch (AssertionError | RuntimeException e) {
            printCopyLines(server);
            throw e;
        } finally {
            writing.set(false);
            writer.join(60_000);
            server.close();
        }
    }

    /**
     * Every other field type (dynamic fields, all scalars, JSON, arrays, binary vectors, a partition
     * key) while the target Milvus is stopped and started again in the middle of the copy: the copy
     * waits, shows the outage as the task's reason, and continues from where it stood 12 minutes
     * before (a restarting Milvus 2.3.5 can lose what it acknowledged in its last minutes): here, as
     * the copy began less than 12 minutes before, from its start.
     */
    @Test
    void aTargetOutageDuringTheCopyOfEveryFieldTypeIsWaitedOut() throws Exception {
        String db = "snapc_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        source.run("create_database", Map.of("db", db));
        List<Map<String, Object>> collections = List.of(Map.of("db", db, "name", "dyn", "schema", "dynamic"),
                Map.of("db", db, "name", "types", "schema", "all_types"),
                Map.of("db", db, "name", "tenants", "schema", "partition_key"));
        for (Map<String, Object> coll : collections) {
            source.createLoaded(coll, 2);
            source.run("insert", with(coll, "start", 0, "count", ROWS, "batch", 5_000));
        }

        CdcProcess server = server(dir).start();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> writerFailed = new AtomicReference<>();
        Thread writer = new Thread(() -> writeInt64Keys(collections, writing, writerFailed), "snapshot-it-writer");
        boolean targetStopped = false;
        try {
            String taskId = createSnapshotTask(server, "\"" + db + "\":[{\"name\":\"*\"}]");
            writer.start();

            awaitCopying(server, taskId, 1);
            Rig.get().stop("milvus-target");
            targetStopped = true;
            CdcProcess running = server;
            await().atMost(CATCH_UP).untilAsserted(() -> assertThat(task(running, taskId).path("reason").asText())
                    .as("the outage shows as the reason").contains("failed, retrying"));
            long duringOutage = copied(status(server, taskId));
            assertThat(status(server, taskId).path("phase").asText()).isEqualTo("copying");
            Rig.get().start("milvus-target");
            targetStopped = false;

            await().atMost(CATCH_UP).pollInterval(Duration.ofSeconds(1)).until(() ->
                    status(running, taskId).path("phase").asText().equals("streaming"));
            assertThat(task(server, taskId).has("reason")).as("cleared once the target answers").isFalse();
            writing.set(false);
            writer.join();
            assertThat(writerFailed.get()).isNull();
            assertThat(copied(status(server, taskId))).isGreaterThan(duringOutage);
            String log = Files.readString(server.log());
            int restart = log.indexOf("the task restarts and reads again");
            assertThat(restart).as("the outage set the task back").isPositive();
            assertThat(log.substring(restart)).as("the copy began again: the target may have lost its last pages")
                    .containsPattern("initial copy of \\S+ \\(source id \\d+\\) started: \\d+ rows on the source at the"
                            + " start, 0 copied before");
            String metrics = server.client().get("/cdc/metrics").body();
            assertThat(metrics).containsPattern("milvus_cdc_snapshot_phase\\{task_id=\"" + taskId + "\"} 2\\.0");
            for (Map<String, Object> coll : collections) {
                assertThat(metrics).as("rows copied of " + coll.get("name")).containsPattern(
                        "milvus_cdc_snapshot_rows_total\\{collection_name=\"" + coll.get("name") + "\",task_id=\"" + taskId
                                + "\"} [1-9][0-9]{4,}\\.0");
            }

            for (Map<String, Object> coll : collections) {
                milvus.awaitTargetEqualsSource(coll, CATCH_UP);
                JsonNode copy = target.run("describe", coll);
                JsonNode original = source.run("describe", coll);
                assertThat(copy.get("fields")).isEqualTo(original.get("fields"));
                assertThat(copy.get("indexes")).isEqualTo(original.get("indexes"));
                assertThat(copy.get("load_state")).isEqualTo(original.get("load_state"));
            }
        } catch (AssertionError | RuntimeException e) {
            printCopyLines(server);
            throw e;
        } finally {
            writing.set(false);
            writer.join(60_000);
            if (targetStopped) {
                Rig.get().start("milvus-target");
            }
            server.close();
        }
    }

    /** Milvus 2.3.5 loads only indexed collections: one that cannot be loaded for its copy pauses the task, saying why. */
    @Test
    void aCollectionThatCannotBeLoadedForItsCopyPausesTheTaskWithTheReason() throws Exception {
        String db = "snapd_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
        Map<String, Object> coll = Map.of("db", db, "name", "unindexed", "schema", "basic");
        source.run("create_database", Map.of("db", db));
        source.run("create_collection", coll);
        source.run("insert", with(coll, "start", 0, "count", 100));

        try (CdcProcess server = server(dir).start()) {
            String taskId = createSnapshotTask(server, "\"" + db + "\":[{\"name\":\"*\"}]");

            await().atMost(CATCH_UP).untilAsserted(() -> {
                JsonNode task = task(server, taskId);
                assertThat(task.path("state").asText()).isEqualTo("Paused");
                assertThat(task.path("reason").asText()).startsWith("setup: initial copy of " + db + ".unindexed: the "
                        + "collection is not loaded on the source and cannot be loaded for its copy (")
                        .endsWith("index its vector fields on the source (Milvus 2.3 loads only indexed collections), "
                                + "then resume the task");
            });
            assertThat(source.run("describe", coll).get("load_state").asText()).isEqualTo("NotLoad");
        }
    }

    /**
     * Creates a task with {@code snapshot: "initial"} over these {@code db_collections}. On this loaded
     * 2-core machine the server's source check sometimes waits longer than its 3 s for etcd and
     * answers 500 (seen once); the same create is then sent again, with the same task id.
     */
    private static String createSnapshotTask(CdcProcess server, String dbCollections) {
        String taskId = UUID.randomUUID().toString().replace("-", "");
        String request = "{\"milvus_connect_param\":{\"uri\":\"" + Rig.get().targetUri() + "\",\"connect_timeout\":30},"
                + "\"db_collections\":{" + dbCollections + "},\"snapshot\":\"initial\",\"task_id\":\"" + taskId + "\"}";
        await().atMost(Duration.ofMinutes(1)).untilAsserted(() -> {
            Reply created = server.client().request("create", request);
            if (created.code() == 500) {
                assertThat(created.message()).as("only a transient source check is retried")
                        .contains("the source Milvus cannot be reached");
            }
            assertThat(created.code()).as(created.body()).isEqualTo(200);
        });
        return taskId;
    }

    /**
     * A server on the rig that knows the source Milvus: the rig's cdc.yaml names it since this
     * feature; a rig started before has it added here.
     */
    private static CdcProcess server(Path dir) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        ObjectNode sourceConfig = (ObjectNode) yaml.readTree(Path.of(Rig.get().cdcConfig()).toFile()).path("sourceConfig");
        sourceConfig.putObject("milvus").put("uri", Rig.get().sourceUri());
        return CdcProcess.onRig(dir.resolve("cdc"), Map.of("sourceConfig", sourceConfig));
    }

    private static void printCopyLines(CdcProcess server) throws IOException {
        Files.readAllLines(server.log()).stream().filter(l -> l.contains("initial copy") || l.contains(" WARN ")
                || l.contains(" ERROR ") || l.startsWith("\t") || l.startsWith("Caused") || l.startsWith("dev.") || l.startsWith("java."))
                .forEach(System.out::println);
    }

    /** Rounds of inserts of new keys, upserts of copied keys and deletes, in collections of int64 keys. */
    private static void writeInt64Keys(List<Map<String, Object>> collections, AtomicBoolean writing,
                                       AtomicReference<Throwable> failed) {
        try (MilvusDriver writer = MilvusDriver.source()) {
            int round = 0;
            while (writing.get() && round < 30 || round < 2) {
                int base = round * 300;
                for (Map<String, Object> coll : collections) {
                    writer.run("insert", with(coll, "start", 1_000_000 + base, "count", 200));
                    writer.run("upsert", with(coll, "start", base, "count", 100, "version", round + 1));
                    writer.run("delete", with(coll, "ids", IntStream.range(base + 100, base + 150).boxed().toList()));
                }
                round++;
            }
        } catch (Throwable e) {
            failed.set(e);
        }
    }

    /** Waits until the copy shows more than {@code rows} rows copied while it is still copying; returns them. */
    private static long awaitCopying(CdcProcess server, String taskId, long rows) {
        AtomicReference<Long> seen = new AtomicReference<>();
        await().atMost(CATCH_UP).pollInterval(Duration.ofMillis(100)).until(() -> {
            JsonNode status = status(server, taskId);
            assertThat(status.path("phase").asText()).as("the copy ended before the test could interrupt it").isEqualTo("copying");
            seen.set(copied(status));
            return seen.get() >= rows;
        });
        return seen.get();
    }

    private static JsonNode task(CdcProcess server, String taskId) {
        return server.client().request("get", "{\"task_id\":\"" + taskId + "\"}").data().path("task");
    }

    private static JsonNode status(CdcProcess server, String taskId) {
        return task(server, taskId).path("snapshot_status");
    }

    private static long copied(JsonNode status) {
        long rows = 0;
        for (JsonNode collection : status.path("collections")) {
            rows += collection.path("rows_copied").asLong();
        }
        return rows;
    }

    /** Rounds of inserts of new keys, upserts of copied keys and deletes, in all three collections. */
    private static void write(Map<String, Object> ints, Map<String, Object> strs, Map<String, Object> auto, List<Long> autoKeys,
                              AtomicBoolean writing, AtomicReference<Throwable> failed) {
        try (MilvusDriver writer = MilvusDriver.source()) {
            int round = 0;
            while (writing.get() && round < 30 || round < 2) {
                int base = round * 300;
                writer.run("insert", with(ints, "start", 1_000_000 + base, "count", 200, "partition", "p1"));
                writer.run("upsert", with(ints, "start", base, "count", 100, "version", round + 1));
                writer.run("upsert", with(ints, "ids", List.of(ROWS - 1 - base), "version", round + 1, "partition", "p1"));
                writer.run("delete", with(ints, "ids", IntStream.range(base + 100, base + 150).boxed().toList()));
                writer.run("insert", with(strs, "start", 1_000_000 + base, "count", 200));
                writer.run("upsert", with(strs, "start", ROWS - 1 - base - 100, "count", 100, "version", round + 1));
                writer.run("delete", with(strs, "ids", IntStream.range(base, base + 50).boxed().toList()));
                writer.run("insert", with(auto, "start", 0, "count", 200));
                writer.run("delete", with(auto, "ids", autoKeys.subList(base, base + 50)));
                round++;
            }
        } catch (Throwable e) {
            failed.set(e);
        }
    }
}
