package dev.milvuscdc.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The answer shapes of {@code get}, {@code list} and {@code position}; tasks always without secrets. */
final class TaskViews {

    /** Stored positions do not record their collection: the reference's "unknown" id. */
    private static final long UNKNOWN_COLLECTION = -1;

    private final ObjectMapper mapper;

    TaskViews(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    ObjectNode task(TaskRecord task) {
        ObjectNode node = mapper.createObjectNode();
        node.put("task_id", task.taskId());
        node.setAll((ObjectNode) mapper.valueToTree(task.spec().redacted()));
        node.put("task_id", task.taskId());
        node.put("state", task.state().name());
        if (!task.reason().isEmpty()) {
            node.put("reason", task.reason());
        }
        return node;
    }

    Map<String, Object> taskData(TaskRecord task) {
        return Map.of("task", task(task));
    }

    Map<String, Object> listData(Collection<TaskRecord> tasks) {
        return Map.of("tasks", tasks.stream().map(this::task).toList());
    }

    record Position(@JsonProperty("collection_id") long collectionId,
                    @JsonProperty("channel_name") String channelName,
                    @JsonProperty("time") long time,
                    @JsonProperty("tt") long tt,
                    @JsonProperty("msg_id") String msgId) {
    }

    /** Only source positions are tracked: {@code op_positions} and {@code target_positions} are empty. */
    Map<String, Object> positionData(Map<String, ChannelPosition> positions) {
        List<Position> source = positions.values().stream()
                .map(p -> new Position(UNKNOWN_COLLECTION, p.channel(), p.physicalMillis(), p.timestamp(), p.messageId()))
                .toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("positions", source);
        data.put("op_positions", List.of());
        data.put("target_positions", List.of());
        return data;
    }
}
