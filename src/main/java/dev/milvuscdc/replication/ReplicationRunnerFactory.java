package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskRunner;
import dev.milvuscdc.task.TaskRunnerFactory;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskStatusListener;
import java.util.Map;

/** Builds the replication engine's runner for each task. */
public final class ReplicationRunnerFactory implements TaskRunnerFactory {

    private final ReplicationSettings settings;
    private final TaskStore store;
    private final CdcMetrics metrics;

    public ReplicationRunnerFactory(ReplicationSettings settings, TaskStore store, CdcMetrics metrics) {
        this.settings = settings;
        this.store = store;
        this.metrics = metrics;
    }

    @Override
    public Map<String, ChannelPosition> startPositions(TaskSpec spec) {
        return StartPositions.find(settings, spec);
    }

    @Override
    public TaskRunner create(TaskRecord task, Fence hold, TaskStatusListener listener) {
        return new ReplicationRunner(task, listener, settings, store.fencedBy(hold), metrics);
    }
}
