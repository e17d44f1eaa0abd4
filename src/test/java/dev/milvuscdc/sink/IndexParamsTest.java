package dev.milvuscdc.sink;

import static dev.milvuscdc.sink.TargetFixture.kv;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IndexParamsTest {

    @Test
    void nestedJsonParamsAreUnfoldedAndComparedAsText() {
        Map<String, String> source = IndexParams.normalized(List.of(kv("index_type", "IVF_FLAT"), kv("params", "{\"nlist\": 128}")));
        Map<String, String> target = IndexParams.normalized(List.of(kv("index_type", "IVF_FLAT"), kv("params", "{\"nlist\":\"128\"}"),
                kv("metric_type", "L2")));

        assertThat(source).containsExactlyInAnyOrderEntriesOf(Map.of("index_type", "IVF_FLAT", "nlist", "128"));
        assertThat(IndexParams.sourceMatches(source, target)).isTrue();
    }

    @Test
    void aDifferentValueOrAMissingKeyDoesNotMatch() {
        Map<String, String> source = IndexParams.normalized(List.of(kv("metric_type", "L2"), kv("params", "{\"nlist\": 64}")));

        assertThat(IndexParams.sourceMatches(source, Map.of("metric_type", "IP", "nlist", "64"))).isFalse();
        assertThat(IndexParams.sourceMatches(source, Map.of("metric_type", "L2"))).isFalse();
    }

    @Test
    void paramsThatAreNotJsonAreComparedAsTheyAre() {
        assertThat(IndexParams.normalized(List.of(kv("params", "nlist=1")))).containsEntry("params", "nlist=1");
    }
}
