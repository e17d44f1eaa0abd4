package dev.milvuscdc.replication;

import static dev.milvuscdc.rig.MilvusPair.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.milvuscdc.rig.MilvusDriver;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.task.TaskSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine against the real rig: pymilvus writes to the source Milvus, the engine reads its etcd
 * and Kafka and writes the target Milvus, and pymilvus reads both back and compares every row and
 * field.
 */
class ReplicationIT {

    private static final Duration CATCH_UP = Duration.ofSeconds(120);

    private static final MilvusPair milvus = new MilvusPair();
    private static final MilvusDriver source = milvus.source;
    private static final MilvusDriver target = milvus.target;
    private EngineTask task;

    @AfterAll
    static void closeDrivers() {
        milvus.close();
    }

    @AfterEach
    void stopRunner() {
        if (task != null) {
            task.close();
            assertThat(task.listener.failed).isEmpty();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"basic", "dynamic", "autoid", "varchar_pk", "partition_key", "all_types"})
    void everyRowChangeOfEverySchemaReachesTheTarget(String schema) {
        String db = "cdc_it_" + unique();
        String name = "c_" + schema;
        startTask(db, "*");
        source.run("create_database", Map.of("db", db));
        Map<String, Object> coll = Map.of("db", db, "name", name, "schema", schema);
        source.createLoaded(coll, 2);
        JsonNode inserted = source.run("insert", with(coll, "start", 1, "count", 300, "batch", 100));
        if (schema.equals("autoid")) {
            List<Long> generated = ids(inserted.get("primary_keys"));
            source.run("delete", with(coll, "ids", generated.subList(0, 20)));
        } else {
            source.run("upsert", with(coll, "start", 250, "count", 100, "version", 1));
            source.run("delete", with(coll, "ids", IntStream.rangeClosed(1, 20).boxed().toList()));
        }
        source.run("flush", coll);

        awaitTargetEqualsSource(coll);
        JsonNode described = target.run("describe", coll);
        assertThat(described.get("indexes")).isEqualTo(source.run("describe", coll).get("indexes"));
        assertThat(described.get("fields")).hasSameSizeAs(source.run("describe", coll).get("fields"));
        assertThat(described.get("shards").asInt()).isEqualTo(2);
    }

    /**
     * A task that reads a collection from its first message replays every change as the target may
     * already hold some: inserts as upserts, in the source's order with its deletes and upserts. A
     * key deleted and written again must end as the source has it (found by the fault schedule:
     * after restarts a varchar collection ended empty on the target).
     */
    @ParameterizedTest
    @ValueSource(strings = {"basic", "varchar_pk"})
    void aReplayOfEveryChangeEndsAsTheSource(String schema) {
        String db = "replay_" + unique();
        Map<String, Object> coll = Map.of("db", db, "name", "c", "schema", schema);
        source.run("create_database", Map.of("db", db));
        source.createLoaded(coll, 1);
        source.run("insert", with(coll, "start", 1, "count", 400, "batch", 50));
        source.run("delete", with(coll, "ids", IntStream.rangeClosed(1, 150).boxed().toList()));
        source.run("upsert", with(coll, "start", 100, "count", 100, "version", 1));
        source.run("delete", with(coll, "ids", IntStream.rangeClosed(120, 130).boxed().toList()));
        source.run("insert", with(coll, "start", 1000, "count", 100, "batch", 50));

        task = EngineTask.start(db, new TaskSpec.CollectionInfo("c", null, true), null);
        milvus.indexAndLoadTheCopy(coll, CATCH_UP);

        awaitTargetEqualsSource(coll);
        assertThat(target.run("count", coll).get("count").asInt()).isEqualTo(390);
    }

    @Test
    void partitionsAndDropsAreReplicated() {
        String name = "parts_" + unique();
        startTask("default", name);
        Map<String, Object> coll = Map.of("name", name, "schema", "basic");
        source.run("create_collection", coll);
        source.run("create_partition", with(coll, "partition", "p1"));
        source.run("create_index", coll);
        source.run("load", coll);
        source.run("insert", with(coll, "start", 1, "count", 50));
        source.run("insert", with(coll, "start", 100, "count", 50, "partition", "p1"));
        awaitTargetEqualsSource(coll);
        assertThat(target.run("describe", coll).get("partitions").toString()).contains("p1");

        source.run("drop_partition", with(coll, "partition", "p1"));
        await().atMost(CATCH_UP).untilAsserted(() ->
                assertThat(target.run("describe", coll).get("partitions").toString()).doesNotContain("p1"));
        source.run("drop_collection", coll);
        await().atMost(CATCH_UP).untilAsserted(() ->
                assertThat(target.run("describe", coll).get("exists").asBoolean()).isFalse());
    }

    @Test
    void releaseIndexDropAndDatabaseDropAreReplicated() {
        String db = "cdc_it_" + unique();
        Map<String, Object> coll = Map.of("db", db, "name", "ops", "schema", "basic");
        startTask(db, "*");
        source.run("create_database", Map.of("db", db));
        source.createLoaded(coll, 1);
        source.run("insert", with(coll, "start", 1, "count", 20));
        awaitTargetEqualsSource(coll);
        assertThat(target.run("describe", coll).get("load_state").asText()).isEqualTo("Loaded");

        source.run("release", coll);
        source.run("drop_index", coll);
        await().atMost(CATCH_UP).untilAsserted(() -> {
            JsonNode described = target.run("describe", coll);
            assertThat(described.get("load_state").asText()).isEqualTo("NotLoad");
            assertThat(described.get("indexes")).isEmpty();
        });

        source.run("drop_collection", coll);
        source.run("drop_database", Map.of("db", db));
        await().atMost(CATCH_UP).untilAsserted(() ->
                assertThat(target.run("list_databases", Map.of()).get("databases").toString()).doesNotContain(db));
    }

    @Test
    void aTargetCollectionMilvusCdcDidNotCreatePausesTheTaskWithAReason() {
        String name = "conflict_" + unique();
        target.run("create_collection", Map.of("name", name, "schema", "varchar_pk"));
        startTask("default", name);
        source.run("create_collection", Map.of("name", name, "schema", "basic"));

        await().atMost(CATCH_UP).untilAsserted(() -> assertThat(task.listener.failed).anySatisfy(reason ->
                assertThat(reason).contains("default." + name).contains("milvus-cdc did not create")));
        task.listener.failed.clear();
        assertThat(target.run("describe", Map.of("name", name)).get("fields").toString())
                .as("the target's own collection is left as it was").contains("\"name\":\"n\"");
    }

    @Test
    void existingCollectionIsCreatedAndStreamedFromTheTaskOn() {
        String name = "existing_" + unique();
        Map<String, Object> coll = Map.of("name", name, "schema", "basic");
        source.run("create_collection", coll);
        source.run("insert", with(coll, "start", 1, "count", 10));
        startTask("default", name);
        await().atMost(CATCH_UP).untilAsserted(() ->
                assertThat(target.run("describe", coll).get("exists").asBoolean()).isTrue());
        source.run("insert", with(coll, "start", 100, "count", 10));
        source.run("create_index", coll);
        source.run("load", coll);

        await().atMost(CATCH_UP).untilAsserted(() ->
                assertThat(ids(target.run("dump", coll).get("rows"), "id")).containsExactlyElementsOf(
                        IntStream.range(100, 110).mapToObj(Long::valueOf).toList()));
    }

    @Test
    void stopAndStartAgainResumesFromTheStoredPositionsWithoutDuplicates() {
        String name = "resume_" + unique();
        Map<String, Object> coll = Map.of("name", name, "schema", "basic");
        startTask("default", name);
        source.createLoaded(coll, 1);
        source.run("insert", with(coll, "start", 1, "count", 200, "batch", 20));
        task.stop();
        source.run("insert", with(coll, "start", 1000, "count", 200, "batch", 20));
        source.run("delete", with(coll, "ids", IntStream.rangeClosed(1, 50).boxed().toList()));
        task.startAgain();

        awaitTargetEqualsSource(coll);
        assertThat(target.run("dump", coll).get("count").asInt()).isEqualTo(350);
    }

    /**
     * A Milvus 2.3 source stops ticking a channel once no collection uses it; in the replicate write
     * mode such a channel must not hold the target's time back (a quiet channel is left out of it).
     */
    @Test
    void aChannelGoneQuietAfterADropHoldsNoLaterCollectionBack() {
        String db = "cdc_it_" + unique();
        startTask(db, "*");
        source.run("create_database", Map.of("db", db));
        Map<String, Object> first = Map.of("db", db, "name", "on_every_channel", "schema", "basic");
        source.createLoaded(first, 4);
        source.run("insert", with(first, "start", 1, "count", 100));
        awaitTargetEqualsSource(first);
        source.run("drop_collection", first);
        await().atMost(CATCH_UP).untilAsserted(() ->
                assertThat(target.run("describe", first).get("exists").asBoolean()).isFalse());

        Map<String, Object> second = Map.of("db", db, "name", "on_one_channel", "schema", "basic");
        source.createLoaded(second, 1);
        source.run("insert", with(second, "start", 1, "count", 100));

        awaitTargetEqualsSource(second);
    }

    /**
     * The source's index and load requests follow its collection's creation within milliseconds; the
     * task's listing of the metadata, made again for them, must not be undone by the watch's older
     * events (CI saw an index passed over and the load then refused: "index not found").
     */
    @Test
    void indexAndLoadRightAfterEachCreationReachTheTarget() {
        String db = "cdc_it_" + unique();
        startTask(db, "*");
        source.run("create_database", Map.of("db", db));
        List<Map<String, Object>> collections = IntStream.range(0, 8)
                .mapToObj(i -> Map.<String, Object>of("db", db, "name", "quick_" + i, "schema", "basic")).toList();
        for (Map<String, Object> coll : collections) {
            source.createLoaded(coll, 1);
            source.run("insert", with(coll, "start", 1, "count", 20));
        }

        collections.forEach(this::awaitTargetEqualsSource);
    }

    private void startTask(String db, String collection) {
        task = EngineTask.start(db, collection);
    }

    private void awaitTargetEqualsSource(Map<String, Object> coll) {
        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
    }

    private static List<Long> ids(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asLong).toList();
    }

    private static List<Long> ids(JsonNode rows, String field) {
        return java.util.stream.StreamSupport.stream(rows.spliterator(), false).map(r -> r.get(field).asLong()).toList();
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
