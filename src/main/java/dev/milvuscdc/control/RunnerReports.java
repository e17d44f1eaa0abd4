package dev.milvuscdc.control;

import dev.milvuscdc.task.TaskStatusListener;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands runners' fault reports to the {@link TaskManager} on one thread of its own, so a runner
 * thread never waits for the control plane (which may be stopping that very runner). Each listener
 * carries the generation of its runner; reports from a runner that was since replaced are ignored.
 */
final class RunnerReports implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RunnerReports.class);

    private final TaskManager manager;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "task-status-reports");
        t.setDaemon(true);
        return t;
    });

    RunnerReports(TaskManager manager) {
        this.manager = manager;
    }

    TaskStatusListener listenerFor(String taskId, long generation) {
        return new TaskStatusListener() {
            @Override
            public void retrying(String reason) {
                submit(() -> manager.onRetrying(taskId, generation, reason));
            }

            @Override
            public void recovered() {
                submit(() -> manager.onRecovered(taskId, generation));
            }

            @Override
            public void failed(String reason) {
                submit(() -> manager.onFailed(taskId, generation, reason));
            }
        };
    }

    private void submit(Runnable report) {
        if (thread.isShutdown()) {
            return;
        }
        thread.execute(() -> {
            try {
                report.run();
            } catch (RuntimeException e) {
                LOG.warn("a task status report could not be applied: {}", e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
