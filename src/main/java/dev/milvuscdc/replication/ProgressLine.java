package dev.milvuscdc.replication;

import dev.milvuscdc.metrics.CdcMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * One line a minute while a task runs, for an operator following the log: the rows it applied
 * since the line before, and how far its target is behind (the largest lag of its channels).
 */
final class ProgressLine {

    static final Duration EVERY = Duration.ofMinutes(1);

    private final String taskId;
    private final CdcMetrics metrics;
    private final Consumer<String> out;
    private Instant last;
    private double rowsAtLast;

    ProgressLine(String taskId, CdcMetrics metrics, Consumer<String> out, Instant now) {
        this.taskId = taskId;
        this.metrics = metrics;
        this.out = out;
        this.last = now;
        this.rowsAtLast = metrics.rowsApplied(taskId);
    }

    /** Writes the line when a minute has passed since the last one. */
    void tick(Instant now) {
        if (now.isBefore(last.plus(EVERY))) {
            return;
        }
        double rows = metrics.rowsApplied(taskId);
        out.accept(String.format(Locale.ROOT, "task %s: %d rows applied in the last %d s, lag %.1f s", taskId,
                Math.round(rows - rowsAtLast), Duration.between(last, now).toSeconds(), metrics.lagSeconds(taskId)));
        last = now;
        rowsAtLast = rows;
    }
}
