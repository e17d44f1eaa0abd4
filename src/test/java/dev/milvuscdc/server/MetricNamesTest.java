package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.task.TaskState;
import java.util.function.LongConsumer;
import org.junit.jupiter.api.Test;

/** The scrape carries the reference's metric names and labels, so its dashboards keep working. */
class MetricNamesTest {

    @Test
    void engineMetricsAreScrapedUnderTheReferenceNames() {
        CdcMetrics metrics = new CdcMetrics();
        metrics.taskState("t1", TaskState.Running);
        metrics.rowsReplicated("t1", 42, "orders", "insert", 10);
        metrics.dataSize("t1", "by-dev-rootcoord-dml_0_42v0", "read", "insert", 2048);
        metrics.apiExecuted("t1", "insert");
        metrics.replicateTt("t1", "by-dev-rootcoord-dml_0_42v0", "write").accept(1_700_000_000_000L);
        metrics.channelOpened("t1", "by-dev-rootcoord-dml_0", () -> 2.5);

        String scrape = metrics.scrape();

        assertThat(scrape)
                .contains("milvus_cdc_replicate_data_cnt_total{api_type=\"insert\",collection_id=\"42\","
                        + "collection_name=\"orders\",op_type=\"write\",task_id=\"t1\"} 10.0")
                .contains("milvus_cdc_replicate_data_size_total{msg_type=\"insert\",op_type=\"read\",task_id=\"t1\","
                        + "vchannel_name=\"by-dev-rootcoord-dml_0_42v0\"} 2048.0")
                .contains("# TYPE milvus_cdc_replicate_data_cnt counter\nmilvus_cdc_replicate_data_cnt{api_type=\"insert\","
                        + "collection_id=\"42\",collection_name=\"orders\",op_type=\"write\",task_id=\"t1\"} 10.0")
                .contains("milvus_cdc_replicate_data_size{msg_type=\"insert\",op_type=\"read\",task_id=\"t1\","
                        + "vchannel_name=\"by-dev-rootcoord-dml_0_42v0\"} 2048.0")
                .contains("milvus_cdc_api_execute_total{api_type=\"insert\",task_id=\"t1\"} 1.0")
                .contains("milvus_cdc_replicate_tt{op_type=\"write\",task_id=\"t1\",vchannel_name=\"by-dev-rootcoord-dml_0_42v0\"} 1.7E12")
                .contains("milvus_cdc_lag_seconds{channel_name=\"by-dev-rootcoord-dml_0\",task_id=\"t1\"} 2.5")
                .contains("milvus_cdc_task_state{task_id=\"t1\"} 1.0")
                .contains("milvus_cdc_task_retries_total{kind=\"kafka\",task_id=\"t1\"} 0.0")
                .contains("milvus_cdc_task_restarts_total{kind=\"target\",task_id=\"t1\"} 0.0")
                .contains("milvus_cdc_task_pauses_total{kind=\"manual\",task_id=\"t1\"} 0.0")
                .contains("milvus_cdc_task_num{task_state=\"Running\"} 1.0")
                .as("no time ticks are sent to the target").doesNotContain("center_tt");
    }

    @Test
    void aDeletedTaskKeepsOnlyItsStateOfMinusOne() {
        CdcMetrics metrics = new CdcMetrics();
        metrics.taskState("t1", TaskState.Running);
        metrics.taskState("t2", TaskState.Running);
        metrics.rowsReplicated("t1", 42, "orders", "insert", 10);
        LongConsumer tickWritten = metrics.replicateTt("t1", "dml_0", "write");
        tickWritten.accept(1_700_000_000_000L);
        metrics.channelOpened("t1", "dml_0", () -> 2.5);
        metrics.channelOpened("t2", "dml_0", () -> 1.0);

        metrics.taskDeleted("t1");
        tickWritten.accept(1_700_000_000_200L);

        assertThat(metrics.scrape().lines().filter(line -> line.contains("task_id=\"t1\"")))
                .containsExactly("milvus_cdc_task_state{task_id=\"t1\"} -1.0");
        assertThat(metrics.scrape()).contains("milvus_cdc_lag_seconds{channel_name=\"dml_0\",task_id=\"t2\"} 1.0")
                .contains("milvus_cdc_task_num{task_state=\"Running\"} 1.0");
        metrics.channelOpened("t1", "dml_0", () -> 4.0);
        assertThat(metrics.scrape()).as("a task re-created under the same id reports again")
                .contains("milvus_cdc_lag_seconds{channel_name=\"dml_0\",task_id=\"t1\"} 4.0");
    }
}
