package dev.milvuscdc.store;

import com.fasterxml.jackson.annotation.JsonAutoDetect;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.PropertyAccessor;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import java.util.function.Function;

/**
 * The JSON forms in which the stores keep specs, whole tasks and positions. Specs keep their
 * secrets: the store must give back exactly what it was given, and only the API redacts.
 * Thread-safe.
 */
public final class StoredJson {

    /**
     * Boolean helpers such as {@code isEmpty()} are not data; hiding is-getters keeps them out of the
     * stored form. Unknown fields are ignored so a store written by a newer version stays readable.
     */
    private static final JsonMapper MAPPER = JsonMapper.builder()
            .visibility(PropertyAccessor.IS_GETTER, JsonAutoDetect.Visibility.NONE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private StoredJson() {
    }

    public static String spec(TaskSpec spec) {
        return write(spec);
    }

    public static TaskSpec spec(String json) {
        return read(json, TaskSpec.class, spec -> spec);
    }

    public static String task(TaskRecord task) {
        return write(new StoredTask(task.taskId(), task.state(), task.reason(), task.spec()));
    }

    public static TaskRecord task(String json) {
        return read(json, StoredTask.class,
                stored -> new TaskRecord(stored.taskId(), stored.spec(), stored.state(), stored.reason()));
    }

    public static String position(ChannelPosition position) {
        return write(new StoredPosition(position.channel(), position.messageId(), position.timestamp()));
    }

    public static ChannelPosition position(String json) {
        return read(json, StoredPosition.class,
                stored -> new ChannelPosition(stored.channel(), stored.messageId(), stored.timestamp()));
    }

    private static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /**
     * Throws {@link IllegalArgumentException} for unreadable JSON or missing required fields;
     * callers add store and task to the message.
     */
    private static <S, T> T read(String json, Class<S> type, Function<S, T> convert) {
        try {
            S stored = MAPPER.readValue(json, type);
            if (stored == null) {
                throw new IllegalArgumentException("stored " + type.getSimpleName() + " is JSON null");
            }
            return convert.apply(stored);
        } catch (JsonProcessingException | NullPointerException e) {
            throw new IllegalArgumentException("unreadable stored " + type.getSimpleName() + ": "
                    + e.getMessage(), e);
        }
    }

    private record StoredTask(
            @JsonProperty("task_id") String taskId,
            @JsonProperty("state") TaskState state,
            @JsonProperty("reason") String reason,
            @JsonProperty("spec") TaskSpec spec) {
    }

    private record StoredPosition(
            @JsonProperty("channel") String channel,
            @JsonProperty("message_id") String messageId,
            @JsonProperty("timestamp") long timestamp) {
    }
}
