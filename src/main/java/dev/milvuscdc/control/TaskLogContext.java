package dev.milvuscdc.control;

import org.slf4j.MDC;

/**
 * Names a task in every log line of the current thread (the MDC key {@code task}, printed by the
 * log pattern) until closed; closing restores what the key held before, so contexts may nest.
 */
final class TaskLogContext implements AutoCloseable {

    static final String KEY = "task";

    private final String previous;

    private TaskLogContext(String taskId) {
        this.previous = MDC.get(KEY);
        MDC.put(KEY, taskId);
    }

    static TaskLogContext of(String taskId) {
        return new TaskLogContext(taskId);
    }

    @Override
    public void close() {
        if (previous == null) {
            MDC.remove(KEY);
        } else {
            MDC.put(KEY, previous);
        }
    }
}
