package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.task.TaskState;
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
        metrics.replicateTt("t1", "by-dev-rootcoord-dml_0_42v0", "write", 1_700_000_000_000L);
        metrics.centerTt("target-rootcoord-dml_0", 1_700_000_000_500L);
        metrics.taskDeleted("t1");

        String scrape = metrics.scrape();

        assertThat(scrape)
                .contains("milvus_cdc_replicate_data_cnt_total{api_type=\"insert\",collection_id=\"42\","
                        + "collection_name=\"orders\",op_type=\"write\",task_id=\"t1\"} 10.0")
                .contains("milvus_cdc_replicate_data_size_total{msg_type=\"insert\",op_type=\"read\",task_id=\"t1\","
                        + "vchannel_name=\"by-dev-rootcoord-dml_0_42v0\"} 2048.0")
                .contains("milvus_cdc_api_execute_total{api_type=\"insert\",task_id=\"t1\"} 1.0")
                .contains("milvus_cdc_replicate_tt{op_type=\"write\",task_id=\"t1\",vchannel_name=\"by-dev-rootcoord-dml_0_42v0\"} 1.7E12")
                .contains("milvus_cdc_center_tt{channel_name=\"target-rootcoord-dml_0\"} 1.7000000005E12")
                .contains("milvus_cdc_task_state{task_id=\"t1\"} -1.0")
                .contains("milvus_cdc_task_num{task_state=\"Running\"} 0.0");
    }
}
