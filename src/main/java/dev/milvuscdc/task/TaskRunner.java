package dev.milvuscdc.task;

import dev.milvuscdc.event.ChannelPosition;
import java.util.Map;

/**
 * The data plane of one task: reads the source from the stored positions and applies changes to
 * the target. The control plane ({@code TaskManager}) calls {@link #start()} and {@link #stop()}
 * from one thread at a time; {@link #positions()} may be called from any thread.
 */
public interface TaskRunner {

    /** Starts replicating in the background from the positions in the task store; returns at once. */
    void start();

    /** Stops reading, waits for in-flight writes to finish or be abandoned, and saves positions. */
    void stop();

    /** The positions acknowledged by the target so far, keyed by source channel. */
    Map<String, ChannelPosition> positions();
}
