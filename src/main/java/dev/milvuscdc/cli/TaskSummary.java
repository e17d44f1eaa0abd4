package dev.milvuscdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** What a person reads first about a task, from the task object of {@code get} and {@code list}. */
record TaskSummary(String id, String state, String reason, String target, String scope, String snapshot) {

    static TaskSummary of(JsonNode task) {
        return new TaskSummary(task.path("task_id").asText(), task.path("state").asText(), task.path("reason").asText(""),
                target(task.path("milvus_connect_param")), scope(task), snapshot(task.path("snapshot_status")));
    }

    /** The target as given: its URI, else host and port. */
    private static String target(JsonNode param) {
        String uri = param.path("uri").asText("");
        if (!uri.isEmpty()) {
            return uri;
        }
        String host = param.path("host").asText("");
        return host.isEmpty() ? "" : host + ":" + param.path("port").asInt();
    }

    /** The collections replicated: {@code name} in the default database, {@code db.name} elsewhere. */
    private static String scope(JsonNode task) {
        List<String> names = new ArrayList<>();
        task.path("collection_infos").forEach(info -> names.add(info.path("name").asText()));
        Iterator<Map.Entry<String, JsonNode>> databases = task.path("db_collections").fields();
        while (databases.hasNext()) {
            Map.Entry<String, JsonNode> db = databases.next();
            db.getValue().forEach(info -> names.add(db.getKey() + "." + info.path("name").asText()));
        }
        return String.join(",", names);
    }

    /** The initial copy's phase and rows, empty for a task without one. */
    private static String snapshot(JsonNode status) {
        if (status.isMissingNode() || status.isNull()) {
            return "";
        }
        long copied = 0;
        long atStart = 0;
        for (JsonNode collection : status.path("collections")) {
            copied += collection.path("rows_copied").asLong();
            atStart += collection.path("rows_at_start").asLong();
        }
        return status.path("phase").asText() + " (" + copied + " of " + atStart + " rows copied)";
    }
}
