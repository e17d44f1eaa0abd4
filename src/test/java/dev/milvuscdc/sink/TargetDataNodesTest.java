package dev.milvuscdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The data nodes' names in a target's {@code system_info} metrics, in the shape Milvus 2.3.5 answers (seen on the rig). */
class TargetDataNodesTest {

    private static String node(String type, int id) {
        return "{\"identifier\":" + id + ",\"connected\":null,\"infos\":{\"has_error\":false,\"name\":\"" + type + id
                + "\",\"created_time\":\"2026-12-02 12:08:29.624700037 +0000 UTC\",\"type\":\"" + type + "\",\"id\":" + id + "}}";
    }

    @Test
    void aStandaloneNamesItsOneDataNode() {
        String info = "{\"nodes_info\":[" + node("querynode", 9) + "," + node("datanode", 9) + "," + node("proxy", 9) + "]}";

        assertThat(TargetDataNodes.parse(info)).contains("datanode9");
    }

    @Test
    void aClusterNamesItsDataNodesInOneOrderWhateverProxyAnswers() {
        String info = "{\"nodes_info\":[" + node("datanode", 12) + "," + node("proxy", 4) + "," + node("datanode", 11) + "]}";

        assertThat(TargetDataNodes.parse(info)).contains("datanode11,datanode12");
    }

    @Test
    void anAnswerWithoutDataNodesOrNotJsonTellsNothing() {
        assertThat(TargetDataNodes.parse("{\"nodes_info\":[" + node("proxy", 4) + "]}")).isEmpty();
        assertThat(TargetDataNodes.parse("not json")).isEmpty();
        assertThat(TargetDataNodes.parse("")).isEmpty();
    }
}
