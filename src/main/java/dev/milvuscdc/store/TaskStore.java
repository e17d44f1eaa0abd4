package dev.milvuscdc.store;

import dev.milvuscdc.task.Fence;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Durable home of tasks, their per-channel positions and their catalog. Implementations must be safe for use from
 * several threads, and every method is atomic: a crash leaves either the old or the new value.
 * Failures are reported as {@link StoreException} with the task id in the message. Task ids and
 * channel names are compared exactly, whatever characters they hold; the SQL stores refuse to write
 * one longer than 512 UTF-8 bytes. Backends are opened by {@link TaskStores}.
 */
public interface TaskStore extends AutoCloseable {

    /** Creates or replaces the task's definition, state and reason. */
    void put(TaskRecord task);

    /**
     * Stores a new task together with the positions it starts reading from, in one atomic step: no
     * server ever finds the task without them, so none fixes later ones of its own.
     */
    void create(TaskRecord task, Collection<ChannelPosition> startPositions);

    Optional<TaskRecord> get(String taskId);

    /** Every stored task, in creation order. */
    List<TaskRecord> list();

    /** Removes the task and all its positions in one step; false when it was not there. */
    boolean delete(String taskId);

    /** The stored positions of a task, keyed by source channel; empty when none. */
    Map<String, ChannelPosition> positions(String taskId);

    /**
     * Stores these channel positions of a task in one atomic step, replacing earlier values of the
     * same channels and keeping the others. Does nothing for a task that no longer exists.
     */
    void savePositions(String taskId, Collection<ChannelPosition> positions);

    /**
     * The engine's own facts about a task that a restart must find again (which source partition
     * each target partition copies), keyed as the engine likes; empty when none.
     */
    Map<String, String> catalog(String taskId);

    /**
     * Puts and removes catalog entries of a task in one atomic step. Does nothing for a task that no
     * longer exists; deleting a task deletes its catalog.
     */
    void updateCatalog(String taskId, Map<String, String> put, Collection<String> remove);

    /**
     * The leases through which servers sharing this store divide its tasks, this server named {@code server}
     * ({@link TaskLeases}). Closed with the store at the latest.
     */
    TaskLeases leases(String server, Duration leaseTime);

    /**
     * This store as the holder of {@code fence} writes to it: the positions and the catalog of the fenced
     * task are written only while the hold stands, in the same atomic step as the check, and
     * {@link LeaseLostException} is thrown otherwise. Everything else passes through unchanged. Closing
     * the view leaves this store open.
     */
    TaskStore fencedBy(Fence fence);

    @Override
    void close();
}
