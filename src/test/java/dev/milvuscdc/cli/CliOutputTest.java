package dev.milvuscdc.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The CLI's pure parts: its tables, the task summary it prints and the metrics it reads. */
class CliOutputTest {

    @Test
    void tableColumnsAreAsWideAsTheirWidestCell() {
        String table = new TextTable("ID", "STATE", "REASON").row("a1", "Running", "").row("b", "Paused", "why").render();
        assertThat(table).isEqualTo("""
                ID  STATE    REASON
                a1  Running
                b   Paused   why
                """);
        assertThatThrownBy(() -> new TextTable("A", "B").row("only one")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void summaryNamesTargetCollectionsAndCopy() throws Exception {
        TaskSummary summary = TaskSummary.of(new ObjectMapper().readTree("""
                {"task_id":"t1","state":"Paused","reason":"manually pause through http interface",
                 "milvus_connect_param":{"host":"10.0.0.5","port":19530,"uri":""},
                 "collection_infos":[{"name":"c1"}],"db_collections":{"db1":[{"name":"*"}]},
                 "snapshot_status":{"phase":"copying","collections":[
                   {"name":"default.c1","state":"copied","rows_copied":10,"rows_at_start":10},
                   {"name":"db1.c2","state":"copying","rows_copied":5,"rows_at_start":30}]}}"""));
        assertThat(summary).isEqualTo(new TaskSummary("t1", "Paused", "manually pause through http interface",
                "10.0.0.5:19530", "c1,db1.*", "copying (15 of 40 rows copied)"));
        assertThat(TaskSummary.of(new ObjectMapper().readTree("{\"task_id\":\"t2\",\"milvus_connect_param\":{\"uri\":\"http://t:19530\"}}")))
                .isEqualTo(new TaskSummary("t2", "", "", "http://t:19530", "", ""));
    }

    @Test
    void metricsAreSummedPerLabelValue() {
        PrometheusSamples samples = PrometheusSamples.parse("""
                # HELP milvus_cdc_replicate_data_cnt_total rows replicated
                # TYPE milvus_cdc_replicate_data_cnt_total counter
                milvus_cdc_replicate_data_cnt_total{api_type="insert",collection_name="a \\"q\\"",task_id="t1"} 100.0
                milvus_cdc_replicate_data_cnt_total{api_type="delete",collection_name="b",task_id="t1"} 5.0
                milvus_cdc_replicate_data_cnt_total{api_type="insert",collection_name="b",task_id="t2"} 7.0
                milvus_cdc_request_latency_bucket{request_type="list",le="+Inf"} 3.0
                milvus_cdc_task_num 2.0
                """);
        assertThat(samples.sumBy("milvus_cdc_replicate_data_cnt_total", "task_id")).isEqualTo(Map.of("t1", 105.0, "t2", 7.0));
        assertThat(samples.sumBy("milvus_cdc_request_latency_bucket", "le")).isEqualTo(Map.of("+Inf", 3.0));
        assertThat(samples.sumBy("milvus_cdc_task_num", "task_id")).isEmpty();
    }
}
