package dev.milvuscdc.replication;

import dev.milvuscdc.store.TaskStore;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.MDC;

/**
 * Runs every task-store call of one task on a thread of its own that nobody interrupts. Stopping a
 * task interrupts its channel threads; an interrupt that lands inside a store call can break the
 * store for every task (the embedded database closes itself when a file write is interrupted), so
 * the engine's threads wait for the store here instead of calling it. The thread also runs the
 * periodic flush of positions. Stopping lets the calls submitted so far finish, within a deadline.
 */
final class StoreWriter {

    private final TaskStore store;
    private final String taskId;
    private final ScheduledExecutorService thread;

    StoreWriter(TaskStore store, String taskId) {
        this.store = store;
        this.taskId = taskId;
        this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(() -> {
                MDC.put("task", taskId);
                r.run();
            }, "cdc-" + taskId + "-store");
            t.setDaemon(true);
            return t;
        });
    }

    Map<String, String> catalog() throws InterruptedException {
        return call(() -> store.catalog(taskId));
    }

    void updateCatalog(Map<String, String> put, Collection<String> remove) throws InterruptedException {
        call(() -> {
            store.updateCatalog(taskId, put, remove);
            return null;
        });
    }

    /** Runs work on the store thread and waits for it. */
    void run(Runnable work) throws InterruptedException {
        call(() -> {
            work.run();
            return null;
        });
    }

    void scheduleEvery(Duration interval, Runnable work) {
        thread.scheduleWithFixedDelay(work, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs the last work (e.g. a final flush) after everything submitted so far, then ends the thread. */
    void stop(Runnable last, Duration deadline) throws InterruptedException {
        thread.execute(last);
        thread.shutdown();
        thread.awaitTermination(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    private <T> T call(Callable<T> work) throws InterruptedException {
        Future<T> result;
        try {
            result = thread.submit(work);
        } catch (RejectedExecutionException e) {
            throw new InterruptedException("the task is stopping");
        }
        try {
            return result.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("task store call failed", e.getCause());
        }
    }
}
