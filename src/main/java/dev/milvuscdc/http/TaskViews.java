package dev.milvuscdc.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.CopyStatus;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskSpec.CollectionInfo;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The answer shapes of {@code get}, {@code list} and {@code position}. A task shows every key of
 * the reference's task object, {@code null} or empty where unset (as Go serializes its zero values),
 * so a client can read any of them on either server; then this server's own keys. Never secrets.
 */
final class TaskViews {

    /** Stored positions do not record their collection: the reference's "unknown" id. */
    private static final long UNKNOWN_COLLECTION = -1;

    private final ObjectMapper mapper;
    private final Function<TaskRecord, Optional<CopyStatus>> copyStatus;
    private final Supplier<Map<String, String>> holders;

    /** @param holders the name of the server that holds each held task, by task id */
    TaskViews(ObjectMapper mapper, Function<TaskRecord, Optional<CopyStatus>> copyStatus,
              Supplier<Map<String, String>> holders) {
        this.mapper = mapper;
        this.copyStatus = copyStatus;
        this.holders = holders;
    }

    /** @param owner the server that holds the task, empty while none does */
    ObjectNode task(TaskRecord task, String owner) {
        TaskSpec spec = task.spec().redacted();
        ObjectNode node = mapper.createObjectNode();
        node.put("task_id", task.taskId());
        node.set("milvus_connect_param", milvus(spec.milvusConnectParam()));
        node.set("kafka_connect_param", kafka(spec.kafkaConnectParam()));
        node.set("collection_infos", spec.collectionInfos() == null ? null : collections(spec.collectionInfos()));
        ObjectNode byDb = spec.dbCollections() == null ? null : mapper.createObjectNode();
        if (byDb != null) {
            spec.dbCollections().forEach((db, infos) -> byDb.set(db, collections(infos)));
        }
        node.set("db_collections", byDb);
        node.put("state", task.state().name());
        if (!task.reason().isEmpty()) {
            node.put("reason", task.reason());
        }
        ObjectNode rpc = node.putObject("rpc_channel_info");
        rpc.put("name", text(spec.rpcChannelInfo() == null ? null : spec.rpcChannelInfo().name()));
        rpc.put("position", text(spec.rpcChannelInfo() == null ? null : spec.rpcChannelInfo().position()));
        node.putObject("extra_info").put("enable_user_role", spec.extraInfo() != null && spec.extraInfo().enableUserRole());
        node.set("name_mapping", spec.nameMapping() == null ? null : mapper.valueToTree(spec.nameMapping()));
        ObjectNode buffer = node.putObject("buffer_config");
        buffer.put("period", spec.bufferConfig() == null ? 0 : spec.bufferConfig().period());
        buffer.put("size", spec.bufferConfig() == null ? 0 : spec.bufferConfig().size());
        node.put("disable_auto_start", spec.disableAutoStart());
        node.put("snapshot", spec.snapshotInitial() ? TaskSpec.SNAPSHOT_INITIAL : TaskSpec.SNAPSHOT_NEVER);
        node.put("write_mode", spec.replicateWrites() ? TaskSpec.WRITE_MODE_REPLICATE : TaskSpec.WRITE_MODE_API);
        node.put("owner", owner);
        copyStatus.apply(task).ifPresent(status -> node.set("snapshot_status", mapper.valueToTree(status)));
        return node;
    }

    private ObjectNode milvus(TaskSpec.MilvusConnectParam param) {
        TaskSpec.MilvusConnectParam p = param == null
                ? new TaskSpec.MilvusConnectParam(null, null, null, 0, null, null, false, null, 0, false, 0) : param;
        ObjectNode node = mapper.createObjectNode();
        node.put("host", text(p.host()));
        node.put("port", p.port());
        node.put("enable_tls", p.enableTls());
        node.put("uri", text(p.uri()));
        node.set("dial_config", p.dialConfig() == null ? mapper.createObjectNode() : mapper.valueToTree(p.dialConfig()));
        node.put("channel_num", p.channelNum());
        node.put("ignore_partition", p.ignorePartition());
        node.put("connect_timeout", p.connectTimeout());
        return node;
    }

    private ObjectNode kafka(TaskSpec.KafkaConnectParam param) {
        ObjectNode node = mapper.createObjectNode();
        node.put("address", text(param == null ? null : param.address()));
        node.put("topic", text(param == null ? null : param.topic()));
        node.put("enable_sasl", param != null && param.enableSasl());
        node.set("sasl", param == null || param.sasl() == null ? mapper.createObjectNode() : mapper.valueToTree(param.sasl()));
        return node;
    }

    private ArrayNode collections(List<CollectionInfo> infos) {
        ArrayNode array = mapper.createArrayNode();
        for (CollectionInfo info : infos) {
            ObjectNode node = array.addObject();
            node.put("name", info == null ? "" : text(info.name()));
            node.set("positions", info == null || info.positions() == null ? null : mapper.valueToTree(info.positions()));
            node.put("use_start_position", info != null && info.useStartPosition());
        }
        return array;
    }

    private static String text(String value) {
        return value == null ? "" : value;
    }

    /** The reference's {@code get} answer is read as {@code task} by its code and as {@code Task} by its docs. */
    Map<String, Object> taskData(TaskRecord task) {
        ObjectNode view = task(task, holders.get().getOrDefault(task.taskId(), ""));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("task", view);
        data.put("Task", view);
        return data;
    }

    Map<String, Object> listData(Collection<TaskRecord> tasks) {
        Map<String, String> held = holders.get();
        return Map.of("tasks", tasks.stream().map(task -> task(task, held.getOrDefault(task.taskId(), ""))).toList());
    }

    record Position(@JsonProperty("collection_id") long collectionId,
                    @JsonProperty("channel_name") String channelName,
                    @JsonProperty("time") long time,
                    @JsonProperty("tt") long tt,
                    @JsonProperty("msg_id") String msgId) {
    }

    /**
     * Only source positions are tracked, so {@code op_positions} and {@code target_positions} are
     * {@code null}, as is {@code positions} when there are none: the reference sends {@code null}
     * for an empty list.
     */
    Map<String, Object> positionData(Map<String, ChannelPosition> positions) {
        List<Position> source = positions.values().stream()
                .map(p -> new Position(UNKNOWN_COLLECTION, p.channel(), p.physicalMillis(), p.timestamp(), p.messageId()))
                .toList();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("positions", source.isEmpty() ? null : source);
        data.put("op_positions", null);
        data.put("target_positions", null);
        return data;
    }
}
