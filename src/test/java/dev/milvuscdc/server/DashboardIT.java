package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.rig.MilvusPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Grafana dashboard in docs/grafana queries only metrics a live server has: one with a task
 * that copied a collection's rows, then streamed new ones, and answered requests.
 */
class DashboardIT {

    private static final Path DASHBOARD = Path.of("docs/grafana/milvus-cdc-dashboard.json");

    @TempDir
    Path dataDir;

    @Test
    void everyMetricTheDashboardQueriesExists() throws Exception {
        Set<String> queried = new TreeSet<>();
        Matcher names = Pattern.compile("milvus_cdc_[a-z_]+").matcher(Files.readString(DASHBOARD));
        while (names.find()) {
            queried.add(names.group());
        }
        assertThat(queried).contains("milvus_cdc_lag_seconds", "milvus_cdc_replicate_data_cnt_total");

        String db = "dash_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> collection = Map.of("db", db, "name", "rows", "schema", "basic");
        try (MilvusPair milvus = new MilvusPair()) {
            try (CdcProcess server = CdcProcess.onRig(dataDir.resolve("cdc")).start()) {
                milvus.source.run("create_database", Map.of("db", db));
                milvus.source.run("create_collection", collection);
                milvus.source.run("insert", MilvusPair.with(collection, "start", 0, "count", 200));
                milvus.source.run("create_index", collection);
                milvus.source.run("load", collection);
                String taskId = server.client().createTaskOver(db, "\"snapshot\":\"initial\"");
                await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> server.client()
                        .request("get", "{\"task_id\":\"" + taskId + "\"}").data().path("task").path("snapshot_status")
                        .path("phase").asText().equals("streaming"));
                milvus.source.run("insert", MilvusPair.with(collection, "start", 200, "count", 100));
                milvus.source.run("flush", collection);
                milvus.awaitTargetEqualsSource(collection, Duration.ofMinutes(2));
                await("the flush applied on the target").atMost(Duration.ofMinutes(1)).pollInterval(Duration.ofSeconds(1))
                        .until(() -> server.client().get("/cdc/metrics").body().contains("milvus_cdc_api_execute_total{api_type=\"flush\""));

                String scrape = server.client().get("/cdc/metrics").body();
                assertThat(queried).allSatisfy(name -> assertThat(scrape).as("a sample of " + name)
                        .containsPattern("(?m)^" + name + "[{ ]"));
            }
        }
    }
}
