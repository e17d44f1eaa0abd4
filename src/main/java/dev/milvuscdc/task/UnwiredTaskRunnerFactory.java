package dev.milvuscdc.task;

import dev.milvuscdc.event.ChannelPosition;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stands in for the replication engine until it is wired: its runners move no data. */
public final class UnwiredTaskRunnerFactory implements TaskRunnerFactory {

    private static final Logger LOG = LoggerFactory.getLogger(UnwiredTaskRunnerFactory.class);

    @Override
    public TaskRunner create(TaskRecord task, TaskStatusListener listener) {
        return new TaskRunner() {
            @Override
            public void start() {
                LOG.warn("task {}: replication engine not wired yet, no data is replicated", task.taskId());
            }

            @Override
            public void stop() {
            }

            @Override
            public Map<String, ChannelPosition> positions() {
                return Map.of();
            }
        };
    }
}
