package dev.milvuscdc.replication;

import dev.milvuscdc.snapshot.SnapshotProgress.Rewind;
import dev.milvuscdc.snapshot.SnapshotProgress;
import dev.milvuscdc.store.TaskStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The initial copy's progress as the task store holds it, and where it goes back to when the target
 * was down: a restarting Milvus 2.3.5 loses writes it acknowledged in its last minutes (docs/rig.md),
 * pages of the copy as much as the stream's, so the copy goes back to where it stood
 * {@link ReplayWindow#WINDOW} ago (its start, when it began more recently), as the channels do.
 * Where it stood that long ago is published in the task's catalog once a minute, so that a restarted
 * server knows it too.
 *
 * <p>Every store call runs on the task's store thread ({@link StoreWriter}); once a rewind that
 * freezes the progress is stored, no later page is recorded, so the rewind is what the next run reads.
 */
final class CopyProgress {

    /** The catalog entry where a run publishes the progress a later run would go back to. */
    static final String REPLAY_FROM_KEY = "snapshot-replay-from";

    private final String taskId;
    private final TaskStore store;
    private final StoreWriter storeWriter;
    private final ReplayWindow<String> window;
    private volatile SnapshotProgress progress;
    /** Written and read on the store thread only. */
    private boolean frozen;

    CopyProgress(String taskId, Map<String, String> catalog, TaskStore store, StoreWriter storeWriter) {
        this.taskId = taskId;
        this.store = store;
        this.storeWriter = storeWriter;
        this.progress = SnapshotProgress.of(catalog);
        this.window = new ReplayWindow<>(ReplayWindow.WINDOW, SnapshotProgress.decode(catalog.getOrDefault(REPLAY_FROM_KEY, "")));
    }

    SnapshotProgress current() {
        return progress;
    }

    /**
     * Stores progress entries, waiting for the store.
     *
     * @throws InterruptedException also when the progress was set back and frozen: the task is restarting
     */
    void save(Map<String, String> entries) throws InterruptedException {
        boolean[] stored = {false};
        storeWriter.run(() -> {
            if (!frozen) {
                store.updateCatalog(taskId, entries, List.of());
                progress = progress.with(entries);
                stored[0] = true;
            }
        });
        if (!stored[0]) {
            throw new InterruptedException("task " + taskId + " restarts: its initial copy's progress was set back");
        }
    }

    /** On the store thread, at every flush: keeps the window. */
    void record(Instant now) {
        window.record(now, progress.rewindable());
    }

    /** The catalog entry that publishes where a later run would go back to. */
    Map<String, String> published(Instant now) {
        return Map.of(REPLAY_FROM_KEY, SnapshotProgress.encode(window.replayFrom(now)));
    }

    /**
     * On the store thread: stores the progress of {@link ReplayWindow#WINDOW} ago; with {@code freeze}
     * no later progress is stored by this run.
     *
     * @return whether the progress went back at all
     */
    boolean rewind(Instant now, boolean freeze) {
        frozen = freeze;
        Rewind rewind = progress.rewindTo(window.replayFrom(now));
        if (rewind.isEmpty()) {
            return false;
        }
        store.updateCatalog(taskId, rewind.put(), rewind.remove());
        progress = progress.after(rewind);
        return true;
    }
}
