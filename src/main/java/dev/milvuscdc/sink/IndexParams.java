package dev.milvuscdc.sink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.milvus.grpc.KeyValuePair;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Index parameters in a form that compares equal however they were spelled: the JSON under
 * {@code params} is unfolded into plain keys, and values are compared as text ({@code 128} = {@code "128"}).
 */
final class IndexParams {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NESTED = "params";

    private IndexParams() {
    }

    static Map<String, String> normalized(List<KeyValuePair> pairs) {
        Map<String, String> params = new TreeMap<>();
        for (KeyValuePair pair : pairs) {
            if (NESTED.equals(pair.getKey())) {
                unfold(pair.getValue(), params);
            } else {
                params.put(pair.getKey(), pair.getValue());
            }
        }
        return params;
    }

    /** True when every parameter the source named has the same value on the target. */
    static boolean sourceMatches(Map<String, String> source, Map<String, String> target) {
        return source.entrySet().stream().allMatch(e -> e.getValue().equalsIgnoreCase(target.getOrDefault(e.getKey(), "")));
    }

    private static void unfold(String json, Map<String, String> into) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node != null && node.isObject()) {
                node.fields().forEachRemaining(e -> into.put(e.getKey(), e.getValue().isValueNode()
                        ? e.getValue().asText() : e.getValue().toString()));
                return;
            }
        } catch (JsonProcessingException e) {
            // Not JSON: compare the text as it is.
        }
        into.put(NESTED, json);
    }
}
