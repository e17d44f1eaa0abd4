package dev.milvuscdc.task;

import dev.milvuscdc.event.ChannelPosition;
import java.util.Map;

/** Builds the runner of a task; the replication engine provides the real one. */
public interface TaskRunnerFactory {
    /** @param hold this server's hold on the task: the runner's position and catalog writes are fenced by it */
    TaskRunner create(TaskRecord task, Fence hold, TaskStatusListener listener);

    /**
     * Where a new task starts reading each source channel, keyed by channel: where the channels end
     * now, unless the spec asks for other positions. {@code create} stores them with the task before
     * it answers, so every change the source logs after that answer is replicated, whichever server
     * runs the task and however late its runner starts. Waits for the source at most the task's
     * {@code connect_timeout}, and throws when the source does not answer in time.
     */
    Map<String, ChannelPosition> startPositions(TaskSpec spec);
}
