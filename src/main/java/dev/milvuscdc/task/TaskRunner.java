package dev.milvuscdc.task;

import dev.milvuscdc.event.ChannelPosition;
import java.time.Duration;
import java.util.Map;

/**
 * The data plane of one task: reads the source from the stored positions and applies changes to
 * the target.
 *
 * <p>The control plane ({@code TaskManager}) calls {@link #start()} and {@link #stop()} while it
 * holds that task's lock and no other, so a slow runner delays the requests of its own task only,
 * and each of them at most as long as this contract allows:
 * <ul>
 * <li>A runner is started at most once and stopped at most once, start before stop, by one thread
 *     at a time; a resumed task gets a new runner. {@link #positions()} may be called from any
 *     thread at any time, also while the runner starts or stops.</li>
 * <li>{@link #start()} returns at once and never contacts the target. Connecting, seeking and
 *     reading happen in the runner's own threads, retried while the fault may pass and reported
 *     through the {@link TaskStatusListener} ({@code retrying}, {@code recovered}, {@code failed}),
 *     never thrown. A new task's positions are stored with it when it is created
 *     ({@link TaskRunnerFactory#startPositions}); a runner of a task stored without any (created by
 *     a version of this server that fixed them at the first start) fixes them first, waiting for the
 *     source at most the task's {@code connect_timeout}, and throws when it does not answer in time.
 *     Otherwise {@code start()} throws only when the runner cannot run at all (a programming or configuration
 *     error). A start that throws leaves nothing running.</li>
 * <li>{@link #stop()} returns within {@link #STOP_DEADLINE}, one deadline for the whole runner
 *     whatever the number of its threads and the state of the source and target: it stops reading,
 *     lets calls in flight finish or abandons them at the deadline, stores the positions the target
 *     has acknowledged (a stored position never moves backwards) and releases its connections.
 *     It may be called from any thread, also without a successful {@code start()}. After it
 *     returns the runner reports nothing more (a late report is ignored anyway).</li>
 * </ul>
 */
public interface TaskRunner {

    /** The longest a {@link #stop()} may take; requests of a stopping task wait a little longer. */
    Duration STOP_DEADLINE = Duration.ofSeconds(10);

    /** Starts replicating in the background from the stored positions; returns at once (a new task: see above). */
    void start();

    /** Stops reading, lets writes in flight finish or abandons them, saves positions; within {@link #STOP_DEADLINE}. */
    void stop();

    /** The positions acknowledged by the target so far, keyed by source channel. */
    Map<String, ChannelPosition> positions();
}
