package dev.milvuscdc.control;

import dev.milvuscdc.task.FaultKind;
import dev.milvuscdc.task.TaskStatusListener;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands runners' fault reports to the {@link TaskManager} on threads of its own, so a runner thread
 * never waits for the control plane (which may be stopping that very runner). The reports of one
 * task are applied one after another in the order they were made; those of different tasks do not
 * wait for each other, so a slow stop after one task's failure holds up no other task. Each
 * listener carries the generation of its runner; reports from a runner that was since replaced
 * are ignored by the manager.
 */
final class RunnerReports implements AutoCloseable {

    /** Where reports go; each call may wait for the task's lock. */
    interface Handler {
        void onRetrying(String taskId, long generation, FaultKind kind, String reason) throws InterruptedException;

        void onRecovered(String taskId, long generation) throws InterruptedException;

        void onFailed(String taskId, long generation, FaultKind kind, String reason) throws InterruptedException;

        void onRestart(String taskId, long generation, FaultKind kind, String reason) throws InterruptedException;

        /** Answered at once, on the runner's thread: see {@link TaskStatusListener#holdStands()}. */
        boolean holdStands();
    }

    private interface Report {
        void applyTo(Handler handler) throws InterruptedException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RunnerReports.class);

    private final Handler handler;
    private final AtomicInteger threadNumber = new AtomicInteger();
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "task-reports-" + threadNumber.incrementAndGet());
        t.setDaemon(true);
        return t;
    });
    /** The last report queued per task: the next one runs after it. */
    private final ConcurrentMap<String, CompletableFuture<Void>> queues = new ConcurrentHashMap<>();

    RunnerReports(Handler handler) {
        this.handler = handler;
    }

    TaskStatusListener listenerFor(String taskId, long generation) {
        return new TaskStatusListener() {
            @Override
            public void retrying(FaultKind kind, String reason) {
                submit(taskId, h -> h.onRetrying(taskId, generation, kind, reason));
            }

            @Override
            public void recovered() {
                submit(taskId, h -> h.onRecovered(taskId, generation));
            }

            @Override
            public void failed(FaultKind kind, String reason) {
                submit(taskId, h -> h.onFailed(taskId, generation, kind, reason));
            }

            @Override
            public void restart(FaultKind kind, String reason) {
                submit(taskId, h -> h.onRestart(taskId, generation, kind, reason));
            }

            @Override
            public boolean holdStands() {
                return handler.holdStands();
            }
        };
    }

    private void submit(String taskId, Report report) {
        if (threads.isShutdown()) {
            return;
        }
        try {
            CompletableFuture<Void> queued = queues.compute(taskId, (id, last) ->
                    (last == null ? CompletableFuture.<Void>completedFuture(null) : last)
                            .thenRunAsync(() -> apply(taskId, report), threads));
            queued.whenComplete((done, failure) -> queues.remove(taskId, queued));
        } catch (RejectedExecutionException e) {
            LOG.debug("task {}: a report after shutdown is dropped", taskId);
        }
    }

    /** Never throws, so the task's next report still runs. */
    private void apply(String taskId, Report report) {
        try (TaskLogContext task = TaskLogContext.of(taskId)) {
            try {
                report.applyTo(handler);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warn("a status report could not be applied: {}", e.getMessage());
            } catch (Error e) {
                LOG.error("a status report failed", e);
            }
        }
    }

    /** Drops reports not applied yet and interrupts those waiting for their task. */
    @Override
    public void close() {
        threads.shutdownNow();
    }
}
