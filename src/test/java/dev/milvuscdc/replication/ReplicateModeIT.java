package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.milvuscdc.rig.MilvusDriver;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine in the replicate write mode against the rig whose target runs with
 * {@code common.ttMsgEnabled=false} ({@code scripts/rig up --target-replicate-mode}; skipped on
 * another rig): the source's own messages reach the target through ReplicateMessage, with the
 * task's ticks, and pymilvus reads the same rows, fields and {@code count(*)} on both.
 */
class ReplicateModeIT {

    private static final Duration CATCH_UP = Duration.ofSeconds(120);

    private static MilvusPair milvus;
    private static MilvusDriver source;
    private EngineTask task;

    @BeforeAll
    static void onlyOnATargetInReplicateMode() {
        Assumptions.assumeTrue(Rig.get().targetReplicateMode(), "the rig's target is not in replicate mode");
        milvus = new MilvusPair();
        source = milvus.source;
    }

    @AfterAll
    static void closeDrivers() {
        if (milvus != null) {
            milvus.close();
        }
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
        String db = "repl_it_" + unique();
        Map<String, Object> coll = Map.of("db", db, "name", "c_" + schema, "schema", schema);
        task = EngineTask.startReplicating(db, "*");
        source.run("create_database", Map.of("db", db));
        source.createLoaded(coll, 2);
        JsonNode inserted = source.run("insert", with(coll, "start", 1, "count", 300, "batch", 100));
        if (schema.equals("autoid")) {
            source.run("delete", with(coll, "ids", ids(inserted.get("primary_keys")).subList(0, 20)));
        } else {
            source.run("upsert", with(coll, "start", 250, "count", 100, "version", 1));
            source.run("delete", with(coll, "ids", IntStream.rangeClosed(1, 20).boxed().toList()));
        }
        source.run("flush", coll);

        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        assertThat(milvus.target.run("describe", coll).get("shards").asInt()).isEqualTo(2);
    }

    /**
     * A task stopped mid-stream and started again reads its channels again from the stored positions:
     * what it sends again reaches the target before its next tick, which drops it as a duplicate.
     */
    @Test
    void aRestartedTaskDuplicatesNoRow() {
        String db = "repl_restart_" + unique();
        Map<String, Object> coll = Map.of("db", db, "name", "c", "schema", "basic");
        task = EngineTask.startReplicating(db, "*");
        source.run("create_database", Map.of("db", db));
        source.createLoaded(coll, 2);
        source.run("insert", with(coll, "start", 1, "count", 2000, "batch", 100, "pause_ms", 20));
        task.stop();
        source.run("insert", with(coll, "start", 5000, "count", 500, "batch", 100));
        source.run("delete", with(coll, "ids", IntStream.rangeClosed(1, 50).boxed().toList()));
        task.startAgain();
        source.run("upsert", with(coll, "start", 100, "count", 100, "version", 1));

        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        assertThat(milvus.target.run("count", coll).get("count").asInt()).isEqualTo(2450);
    }

    @Test
    void partitionsAndDropsAreReplicated() {
        String db = "repl_parts_" + unique();
        Map<String, Object> coll = Map.of("db", db, "name", "c", "schema", "basic");
        task = EngineTask.startReplicating(db, "*");
        source.run("create_database", Map.of("db", db));
        source.run("create_collection", coll);
        source.run("create_partition", with(coll, "partition", "p1"));
        source.run("create_index", coll);
        source.run("load", coll);
        source.run("insert", with(coll, "start", 1, "count", 50));
        source.run("insert", with(coll, "start", 100, "count", 50, "partition", "p1"));
        source.run("delete", with(coll, "ids", List.of(1, 2, 100), "partition", "p1"));
        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        assertThat(milvus.target.run("count", with(coll, "partition", "p1")).get("count").asInt()).isEqualTo(49);

        source.run("drop_partition", with(coll, "partition", "p1"));
        await().atMost(CATCH_UP).untilAsserted(() ->
                assertThat(milvus.target.run("describe", coll).get("partitions").toString()).doesNotContain("p1"));
        source.run("drop_collection", coll);
        await().atMost(CATCH_UP).untilAsserted(() ->
                assertThat(milvus.target.run("describe", coll).get("exists").asBoolean()).isFalse());
    }

    private static Map<String, Object> with(Map<String, Object> base, Object... pairs) {
        Map<String, Object> args = new HashMap<>(base);
        for (int i = 0; i < pairs.length; i += 2) {
            args.put((String) pairs[i], pairs[i + 1]);
        }
        return args;
    }

    private static List<Long> ids(JsonNode keys) {
        return IntStream.range(0, keys.size()).mapToObj(i -> keys.get(i).asLong()).toList();
    }

    private static String unique() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }
}
