package dev.milvuscdc.http;

import dev.milvuscdc.control.TaskManager;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code GET /health}: {@code UP} when the task store and the source answer, {@code DEGRADED} when
 * only the source does not (the server still serves), {@code DOWN} when the task store fails.
 */
final class Health {

    static final String UP = "UP";
    static final String DEGRADED = "DEGRADED";
    static final String DOWN = "DOWN";

    private final TaskManager tasks;
    private final Supplier<Map<String, String>> sourceStatus;

    Health(TaskManager tasks, Supplier<Map<String, String>> sourceStatus) {
        this.tasks = tasks;
        this.sourceStatus = sourceStatus;
    }

    record Report(String status, Map<String, String> source, String store) {
    }

    Report report() {
        Map<String, String> source = sourceStatus.get();
        String store = tasks.storeStatus();
        String status = !UP.equals(store) ? DOWN : source.values().stream().allMatch(UP::equals) ? UP : DEGRADED;
        return new Report(status, source, store);
    }
}
