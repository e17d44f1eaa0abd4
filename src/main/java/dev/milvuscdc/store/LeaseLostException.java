package dev.milvuscdc.store;

import dev.milvuscdc.task.Fence;

/**
 * A write made under a {@link Fence} that no longer stands: the lease time passed without a renewal, or the
 * task was given up, so another server may run it now. Nothing was written. Not retriable: the runner
 * that holds the fence must stop.
 */
public final class LeaseLostException extends StoreException {

    public LeaseLostException(Fence fence, String action) {
        super("cannot " + action + " of task " + fence.taskId() + ": " + fence
                + " no longer stands, so another server may run the task now; this server stops it",
                null, false);
    }
}
