package dev.milvuscdc.source.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSourceTest {

    @Test
    void dmlChannelsTakeTheClusterPrefixOfTheReplicateChannel() {
        KafkaSource source = new KafkaSource("k:9092", Map.of(), "by-dev-replicate-msg", 3);

        assertThat(source.dmlChannels()).containsExactly("by-dev-rootcoord-dml_0", "by-dev-rootcoord-dml_1", "by-dev-rootcoord-dml_2");
    }
}
