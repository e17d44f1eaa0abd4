package dev.milvuscdc.sink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.milvus.grpc.GetMetricsRequest;
import io.milvus.grpc.GetMetricsResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Names the target's data nodes, from its {@code system_info} metrics. A data node holds the writes
 * it acknowledged but has not synced yet, and Milvus gives every process start a new node id, which
 * is part of the name ({@code datanode7}): so a changed list means that a data node restarted and
 * may have lost writes (docs/rig.md), even when no call of the CDC saw the target down.
 */
final class TargetDataNodes {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SYSTEM_INFO = "{\"metric_type\":\"system_info\"}";

    private final TargetCalls calls;

    TargetDataNodes(TargetCalls calls) {
        this.calls = calls;
    }

    /** The data nodes' names, sorted and comma-separated; empty when the target does not tell them. */
    Optional<String> names() {
        GetMetricsResponse response = calls.call("ask the metrics of", "the target", DdlApplier.DEFAULT_DB,
                s -> s.getMetrics(GetMetricsRequest.newBuilder().setRequest(SYSTEM_INFO).build()),
                GetMetricsResponse::getStatus);
        return parse(response.getResponse());
    }

    static Optional<String> parse(String systemInfo) {
        JsonNode nodes;
        try {
            nodes = JSON.readTree(systemInfo).path("nodes_info");
        } catch (IOException e) {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        for (JsonNode node : nodes) {
            JsonNode info = node.path("infos");
            if ("datanode".equals(info.path("type").asText()) && !info.path("name").asText().isEmpty()) {
                names.add(info.path("name").asText());
            }
        }
        return names.isEmpty() ? Optional.empty() : Optional.of(String.join(",", names.stream().sorted().toList()));
    }
}
