package dev.milvuscdc.rig;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** The rig's source and target Milvus, each driven by pymilvus, and the comparison of the two. */
public final class MilvusPair implements AutoCloseable {

    /**
     * A comparison reads every row of both sides through pymilvus, so it is not repeated as fast as a
     * single call; but a fixed 2 s before the first one (Awaitility's poll delay is its interval unless
     * set) cost every test that compares about 2 s, since a small collection is usually equal within one.
     */
    private static final Duration FIRST_COMPARISON = Duration.ofMillis(500);
    private static final Duration COMPARISON_INTERVAL = Duration.ofSeconds(1);

    public final MilvusDriver source = MilvusDriver.source();
    public final MilvusDriver target = MilvusDriver.target();

    /**
     * Waits until pymilvus reads the same rows (keys and every field value) and the same
     * {@code count(*)} from the collection on both servers. The count is compared apart: a query
     * merges rows that share a primary key, so a dump alone hides a duplicated row. The source must
     * hold rows, so that two empty sides never pass.
     */
    public void awaitTargetEqualsSource(Map<String, Object> collection, Duration atMost) {
        JsonNode expected = source.run("dump", collection);
        JsonNode expectedCount = source.run("count", collection);
        assertThat(expected.get("count").asInt()).isPositive();
        await().atMost(atMost).pollDelay(FIRST_COMPARISON).pollInterval(COMPARISON_INTERVAL).untilAsserted(() -> {
            assertThat(target.tryRun("dump", collection)).isEqualTo(expected);
            assertThat(target.tryRun("count", collection)).as("count(*)").isEqualTo(expectedCount);
        });
    }

    /**
     * Waits for the task to make the target's copy of a collection, then indexes and loads it: a task
     * that reads a collection from its first message does not copy the index and load requests made
     * before the task (README, limits), as an operator would do by hand.
     */
    public void indexAndLoadTheCopy(Map<String, Object> collection, Duration atMost) {
        await().atMost(atMost).ignoreExceptions().untilAsserted(() ->
                assertThat(target.run("describe", collection).get("exists").asBoolean()).isTrue());
        target.run("create_index", collection);
        target.run("load", collection);
    }

    /** A copy of a driver operation's arguments with more keys and values. */
    public static Map<String, Object> with(Map<String, Object> base, Object... keyValues) {
        Map<String, Object> map = new HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put((String) keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    /** These databases go on both sides, with their collections. */
    private void dropDatabases(Collection<String> databases) {
        for (MilvusDriver side : List.of(source, target)) {
            for (String db : databases) {
                side.tryRun("list_collections", Map.of("db", db)).path("collections")
                        .forEach(name -> side.tryRun("drop_collection", Map.of("db", db, "name", name.asText())));
                side.tryRun("drop_database", Map.of("db", db));
            }
        }
    }

    /**
     * Drops the databases either side's driver created, so that a test leaves the rig as it found it
     * (Milvus allows 64 databases, and a rig outlives many runs), then stops the drivers.
     */
    @Override
    public void close() {
        try {
            Set<String> created = new TreeSet<>(source.createdDatabases());
            created.addAll(target.createdDatabases());
            dropDatabases(created);
        } finally {
            source.close();
            target.close();
        }
    }
}
