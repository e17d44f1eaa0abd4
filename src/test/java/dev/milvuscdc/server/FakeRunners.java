package dev.milvuscdc.server;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskRunner;
import dev.milvuscdc.task.TaskRunnerFactory;
import dev.milvuscdc.task.TaskStatusListener;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/** Runners that move nothing but record what the control plane asked of them. */
public final class FakeRunners implements TaskRunnerFactory {

    private final List<FakeRunner> created = new CopyOnWriteArrayList<>();
    private volatile String failStartWith;
    private volatile Map<String, ChannelPosition> positions = Map.of();

    public final class FakeRunner implements TaskRunner {
        public final TaskRecord task;
        public final TaskStatusListener listener;
        public volatile boolean started;
        public volatile boolean stopped;

        FakeRunner(TaskRecord task, TaskStatusListener listener) {
            this.task = task;
            this.listener = listener;
        }

        @Override
        public void start() {
            if (failStartWith != null) {
                throw new IllegalStateException(failStartWith);
            }
            started = true;
        }

        @Override
        public void stop() {
            stopped = true;
        }

        @Override
        public Map<String, ChannelPosition> positions() {
            return positions;
        }
    }

    @Override
    public TaskRunner create(TaskRecord task, TaskStatusListener listener) {
        FakeRunner runner = new FakeRunner(task, listener);
        created.add(runner);
        return runner;
    }

    /** Every runner start fails with this message from now on; null to succeed again. */
    public void failStartWith(String message) {
        failStartWith = message;
    }

    public void reportPositions(Map<String, ChannelPosition> live) {
        positions = live;
    }

    public List<FakeRunner> created() {
        return List.copyOf(created);
    }

    /** The runner most recently made for a task. */
    public FakeRunner last(String taskId) {
        List<FakeRunner> all = created();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).task.taskId().equals(taskId)) {
                return all.get(i);
            }
        }
        throw new AssertionError("no runner was created for task " + taskId);
    }

    /** The runners of this task that were started and not stopped. */
    public long active(String taskId) {
        return created().stream().filter(r -> r.task.taskId().equals(taskId) && r.started && !r.stopped).count();
    }
}
