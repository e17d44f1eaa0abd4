package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.rig.MilvusPair;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code milvus_cdc_lag_seconds} on a real server replicating a real source: 0 within seconds once
 * the source is idle (it still ticks), growing while the task is paused and writes go on, 0 again
 * once resumed and caught up.
 */
class LagMetricIT {

    @TempDir
    Path dataDir;

    @Test
    void lagIsZeroWhenIdleGrowsWhilePausedAndReturnsToZero() throws Exception {
        String db = "lag_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> collection = Map.of("db", db, "name", "stream", "schema", "basic");
        try (MilvusPair milvus = new MilvusPair()) {
            try (CdcProcess server = CdcProcess.onRig(dataDir.resolve("cdc")).start()) {
                milvus.source.run("create_database", Map.of("db", db));
                String taskId = server.client().createTaskOver(db);
                milvus.source.createLoaded(collection, 2);

                try (SourceWriteStream stream = new SourceWriteStream(collection)) {
                    await().atMost(Duration.ofMinutes(2)).until(() -> stream.batches() >= 20);
                }
                await("lag 0 on an idle source").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(lags(server, taskId)).isNotEmpty().allMatch(lag -> lag == 0));
                Thread.sleep(5_000);
                assertThat(lags(server, taskId)).as("still 0: the source's time ticks are no changes").allMatch(lag -> lag == 0);

                assertThat(server.client().request("pause", "{\"task_id\":\"" + taskId + "\"}").code()).isEqualTo(200);
                List<Double> whilePaused = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    milvus.source.run("insert", MilvusPair.with(collection, "start", 1_000_000 + i * 100, "count", 100));
                    Thread.sleep(2_000);
                    whilePaused.add(max(lags(server, taskId)));
                }
                assertThat(whilePaused).as("grows while paused and writes go on").isSorted().doesNotHaveDuplicates();
                assertThat(whilePaused.get(2)).isGreaterThanOrEqualTo(4.0);

                assertThat(server.client().request("resume", "{\"task_id\":\"" + taskId + "\"}").code()).isEqualTo(200);
                await("lag 0 after resume").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1))
                        .untilAsserted(() -> assertThat(lags(server, taskId)).isNotEmpty().allMatch(lag -> lag == 0));
                milvus.awaitTargetEqualsSource(collection, Duration.ofMinutes(2));
            }
        }
    }

    private static List<Double> lags(CdcProcess server, String taskId) {
        Matcher matcher = Pattern.compile("milvus_cdc_lag_seconds\\{channel_name=\"[^\"]+\",task_id=\"" + taskId + "\"} (\\S+)")
                .matcher(server.client().get("/cdc/metrics").body());
        List<Double> lags = new ArrayList<>();
        while (matcher.find()) {
            lags.add(Double.parseDouble(matcher.group(1)));
        }
        return lags;
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    }
}
