package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.store.InMemoryTaskStore;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskRunner;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One task of the real engine on the rig, as the server would run it but without the server: its
 * runner, an in-memory store and a listener that records what the runner reported. The runner can
 * be stopped and started again on the same store, as a restart of the server would.
 */
final class EngineTask implements AutoCloseable {

    final InMemoryTaskStore store = new InMemoryTaskStore();
    final RecordingListener listener = new RecordingListener();
    final CdcMetrics metrics = new CdcMetrics();
    final String taskId = UUID.randomUUID().toString().replace("-", "");
    private final ReplicationRunnerFactory factory;
    private TaskRunner runner;

    private EngineTask(ReplicationSettings settings) {
        factory = new ReplicationRunnerFactory(settings, store, metrics);
    }

    /** Creates and starts a task replicating {@code collection} ({@code *} for all) of database {@code db}. */
    static EngineTask start(String db, String collection) {
        return start(db, new TaskSpec.CollectionInfo(collection, null, false), null);
    }

    /** Creates and starts a task replicating one collection (or {@code *}) of a database, starting where it says. */
    static EngineTask start(String db, TaskSpec.CollectionInfo collection, TaskSpec.RpcChannelInfo replicateChannel) {
        EngineTask task = create(RigReplication.settings(), db, collection, replicateChannel);
        task.startAgain();
        return task;
    }

    /** Creates a task on other settings (a source that needs credentials), stored but not started. */
    static EngineTask create(ReplicationSettings settings, String db, String collection) {
        return create(settings, db, new TaskSpec.CollectionInfo(collection, null, false), null);
    }

    /** A task in the write mode the rig's target takes: the end-to-end tests run in both modes, on two rigs. */
    private static EngineTask create(ReplicationSettings settings, String db, TaskSpec.CollectionInfo collection,
                                     TaskSpec.RpcChannelInfo replicateChannel) {
        return create(settings, db, collection, replicateChannel,
                Rig.get().targetReplicateMode() ? TaskSpec.WRITE_MODE_REPLICATE : TaskSpec.WRITE_MODE_API);
    }

    private static EngineTask create(ReplicationSettings settings, String db, TaskSpec.CollectionInfo collection,
                                     TaskSpec.RpcChannelInfo replicateChannel, String writeMode) {
        EngineTask task = new EngineTask(settings);
        TaskSpec spec = new TaskSpec(
                new TaskSpec.MilvusConnectParam(Rig.get().targetUri(), "", null, 0, null, null, false, null, 0, false, 10),
                null, null, Map.of(db, List.of(collection)), replicateChannel, null, null, null, false, task.taskId, null,
                writeMode);
        task.store.put(new TaskRecord(task.taskId, spec, TaskState.Running, ""));
        return task;
    }

    /** Starts the runner from what the store holds, as a server restart does. */
    void startAgain() {
        runner = factory.create(store.get(taskId).orElseThrow(), hold(), listener);
        runner.start();
    }

    /** One server's hold on the task, long enough for any test. */
    private Fence hold() {
        return store.leases("engine-task", Duration.ofHours(1)).acquire(taskId).orElseThrow();
    }

    void stop() {
        if (runner != null) {
            runner.stop();
            runner = null;
        }
    }

    Map<String, ChannelPosition> positions() {
        return store.positions(taskId);
    }

    @Override
    public void close() {
        stop();
    }
}
