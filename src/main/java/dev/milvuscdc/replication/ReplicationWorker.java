package dev.milvuscdc.replication;

import dev.milvuscdc.task.FaultKind;
import dev.milvuscdc.task.TaskStatusListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The thread of one part of a running task. It repeats its loop until interrupted; anything that
 * ends the loop otherwise (a fault that retrying cannot cure, a bug, an {@link Error} such as
 * running out of memory) pauses the task with a reason that names the part, so that a task never
 * shows Running with a part of it gone.
 */
final class ReplicationWorker {

    private static final Logger log = LoggerFactory.getLogger(ReplicationWorker.class);

    /** One step of a worker's work; fault retries happen inside the step. */
    interface Loop {
        String name();

        void runOnce() throws InterruptedException;

        /** Releases the loop's resources, on the worker's own thread. */
        void close();
    }

    /** How often a worker that waits for its server to renew its hold looks again. */
    private static final Duration HOLD_CHECK = Duration.ofMillis(100);

    private ReplicationWorker() {
    }

    /** The worker's thread, not started yet. */
    static Thread thread(String taskId, Loop loop, TaskStatusListener listener) {
        return new Thread(() -> run(taskId, loop, listener), "cdc-" + taskId + "-" + loop.name());
    }

    private static void run(String taskId, Loop loop, TaskStatusListener listener) {
        MDC.put("task", taskId);
        try {
            boolean waiting = false;
            while (!Thread.currentThread().isInterrupted()) {
                if (!listener.holdStands()) {
                    if (!waiting) {
                        log.warn("task {}: {} waits: this server has not renewed its hold on the task lately", taskId,
                                loop.name());
                        waiting = true;
                    }
                    Thread.sleep(HOLD_CHECK.toMillis());
                    continue;
                }
                waiting = false;
                loop.runOnce();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            reportStopped(taskId, loop.name(), e, listener);
        } finally {
            closeUninterrupted(loop);
        }
    }

    /** Pauses the task because {@code part} stopped on a fault that retrying cannot cure. */
    static void reportStopped(String taskId, String part, Throwable e, TaskStatusListener listener) {
        if (e instanceof RuntimeException runtime && Faults.isExpected(runtime)) {
            log.error("task {}: {} stopped: {}", taskId, part, e.getMessage());
            listener.failed(Faults.kind(e), part + ": " + e.getMessage());
        } else {
            log.error("task {}: {} stopped on an unexpected error", taskId, part, e);
            listener.failed(FaultKind.UNEXPECTED, part + ": unexpected error " + e + "; see the server log, then resume the task");
        }
    }

    /** Kafka's consumer cannot close cleanly on an interrupted thread; the interrupt is kept for the caller. */
    private static void closeUninterrupted(Loop loop) {
        boolean interrupted = Thread.interrupted();
        try {
            loop.close();
        } catch (RuntimeException e) {
            log.warn("{} did not close cleanly: {}", loop.name(), e.toString());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
