package dev.milvuscdc.control;

import dev.milvuscdc.control.TaskTransitions.Move;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskRunner;
import dev.milvuscdc.task.TaskRunnerFactory;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts and stops the runners of tasks. Callers hold the task's lock (see {@link TaskSlot}) and
 * no other, so a runner that is slow to start or stop holds up its own task only; they name the
 * task in the log context. Every runner gets a new generation, which its fault reports carry, so
 * reports of a replaced runner are told apart. Once closed, no runner is started any more.
 */
final class TaskRunners implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TaskRunners.class);

    private final TaskRunnerFactory factory;
    private final TaskTransitions transitions;
    private final RunnerReports reports;
    private final CdcMetrics metrics;
    private final AtomicLong generations = new AtomicLong();
    private volatile boolean closed;

    TaskRunners(TaskRunnerFactory factory, TaskTransitions transitions, RunnerReports.Handler reportHandler,
                CdcMetrics metrics) {
        this.factory = factory;
        this.transitions = transitions;
        this.reports = new RunnerReports(reportHandler);
        this.metrics = metrics;
    }

    /**
     * Starts a runner for the task under this server's hold on it, then stores the task as Running by {@code move}. A runner that
     * starts but whose state cannot be stored is stopped again.
     *
     * @param why what the start is for, for the log and a busy answer
     * @return the task as stored now
     * @throws RuntimeException when the runner cannot start; nothing runs then and nothing was stored
     */
    TaskRecord start(TaskSlot slot, TaskRecord task, Move move, String why, Fence hold) {
        if (closed) {
            throw new IllegalStateException("the server is stopping");
        }
        slot.doing(why + ": starting its runner");
        long generation = generations.incrementAndGet();
        TaskRunner runner = factory.create(task.withState(TaskState.Running, ""), hold,
                reports.listenerFor(task.taskId(), generation));
        runner.start();
        slot.attach(runner, generation, hold);
        metrics.taskHeld(task.taskId(), hold.token());
        try {
            return transitions.move(task, move, "");
        } catch (RuntimeException e) {
            stop(slot, why + " that could not be stored");
            throw e;
        }
    }

    /** Where a new task starts reading ({@link TaskRunnerFactory#startPositions}). */
    Map<String, ChannelPosition> startPositions(TaskSpec spec) {
        return factory.startPositions(spec);
    }

    /** Stops the task's runner, if it has one; the stored state is the caller's to change. */
    void stop(TaskSlot slot, String why) {
        Optional<TaskRunner> runner = slot.runner();
        if (runner.isEmpty()) {
            return;
        }
        slot.doing(why + ": stopping its runner");
        long started = System.nanoTime();
        try {
            runner.get().stop();
        } catch (RuntimeException e) {
            LOG.warn("runner did not stop cleanly: {}", e.toString());
        } finally {
            slot.detach();
            metrics.taskNotHeld(slot.taskId());
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        if (took.compareTo(TaskRunner.STOP_DEADLINE) > 0) {
            LOG.warn("runner took {} ms to stop for {}, longer than its deadline of {} s",
                    took.toMillis(), why, TaskRunner.STOP_DEADLINE.toSeconds());
        } else {
            LOG.info("runner stopped for {} in {} ms", why, took.toMillis());
        }
    }

    /** Why a runner could not start, for an answer and a stored reason. */
    static String describe(RuntimeException e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    /** No runner starts after this and reports not applied yet are dropped; the caller stops the running ones. */
    @Override
    public void close() {
        closed = true;
        reports.close();
    }
}
