package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.metrics.CdcMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProgressLineTest {

    @Test
    void oneLineAMinuteWithTheRowsSinceTheLastAndTheLargestLag() {
        CdcMetrics metrics = new CdcMetrics();
        metrics.rowsReplicated("t1", 1, "a", "insert", 500);
        metrics.rowsReplicated("t2", 1, "a", "insert", 7);
        List<String> lines = new ArrayList<>();
        Instant start = Instant.parse("2026-12-01T22:00:00Z");
        ProgressLine progress = new ProgressLine("t1", metrics, lines::add, start);

        metrics.rowsReplicated("t1", 1, "a", "insert", 120);
        metrics.rowsReplicated("t1", 2, "b", "delete", 30);
        metrics.channelOpened("t1", "dml_0", () -> 0.5);
        metrics.channelOpened("t1", "dml_1", () -> 2.25);
        progress.tick(start.plusSeconds(59));
        assertThat(lines).isEmpty();
        progress.tick(start.plusSeconds(61));
        assertThat(lines).containsExactly("task t1: 150 rows applied in the last 61 s, lag 2.3 s");
        progress.tick(start.plusSeconds(122));
        assertThat(lines).last().isEqualTo("task t1: 0 rows applied in the last 61 s, lag 2.3 s");
    }
}
