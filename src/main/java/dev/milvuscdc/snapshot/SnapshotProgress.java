package dev.milvuscdc.snapshot;

import dev.milvuscdc.task.CopyStatus;
import io.milvus.grpc.DataType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How far a task's initial copy has come, as kept in the task's catalog (string entries under
 * {@code snapshot/}), so that a restart, a pause or a target outage continues where it stopped:
 * per source collection what it held when its copy began and whether it was loaded then, per
 * partition the last primary key copied and the rows copied, and whether the whole copy is done.
 * Immutable: every change returns the entries to store.
 */
public final class SnapshotProgress {

    static final String PREFIX = "snapshot/";
    private static final String DONE = PREFIX + "done";

    /** A collection whose copy began: its name, the rows it held then, and whether it was loaded on the source. */
    public record CollectionStart(String name, long rowsAtStart, boolean wasLoaded) {
    }

    /** A partition's copy: the cursor, the rows copied so far, and whether it is finished. */
    public record PartitionState(String cursor, long rowsCopied, boolean finished) {
    }

    private final Map<String, String> entries;

    private SnapshotProgress(Map<String, String> entries) {
        this.entries = entries;
    }

    /** The progress in a task's catalog (other entries are left out). */
    public static SnapshotProgress of(Map<String, String> catalog) {
        Map<String, String> mine = new TreeMap<>();
        catalog.forEach((key, value) -> {
            if (key.startsWith(PREFIX)) {
                mine.put(key, value);
            }
        });
        return new SnapshotProgress(mine);
    }

    public boolean done() {
        return entries.containsKey(DONE);
    }

    /** The entry that marks the whole copy done. */
    public static Map<String, String> doneEntry() {
        return Map.of(DONE, "true");
    }

    public Optional<CollectionStart> collection(long collectionId) {
        String value = entries.get(collectionKey(collectionId));
        if (value == null) {
            return Optional.empty();
        }
        String[] parts = value.split(",", 3);
        return Optional.of(new CollectionStart(parts[2], Long.parseLong(parts[0]), Boolean.parseBoolean(parts[1])));
    }

    public static Map<String, String> collectionEntry(long collectionId, CollectionStart start) {
        return Map.of(collectionKey(collectionId), start.rowsAtStart() + "," + start.wasLoaded() + "," + start.name());
    }

    public boolean collectionFinished(long collectionId) {
        return entries.containsKey(collectionKey(collectionId) + "/finished");
    }

    public static Map<String, String> collectionFinishedEntry(long collectionId) {
        return Map.of(collectionKey(collectionId) + "/finished", "true");
    }

    public PartitionState partition(long collectionId, long partitionId) {
        String value = entries.get(partitionKey(collectionId, partitionId));
        if (value == null) {
            return new PartitionState("", 0, false);
        }
        // rows, finished, then the cursor last: a VarChar key may hold commas
        String[] parts = value.split(",", 3);
        return new PartitionState(parts[2], Long.parseLong(parts[0]), Boolean.parseBoolean(parts[1]));
    }

    public KeyCursor cursor(long collectionId, long partitionId, DataType keyType) {
        return KeyCursor.decode(keyType, partition(collectionId, partitionId).cursor());
    }

    public static Map<String, String> partitionEntry(long collectionId, long partitionId, PartitionState state) {
        return Map.of(partitionKey(collectionId, partitionId),
                state.rowsCopied() + "," + state.finished() + "," + state.cursor());
    }

    /** Rows copied of a collection, over all its partitions. */
    public long rowsCopied(long collectionId) {
        String prefix = collectionKey(collectionId) + "/partition/";
        return entries.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> Long.parseLong(e.getValue().substring(0, e.getValue().indexOf(','))))
                .sum();
    }

    /** The collections whose copy began, by source id. */
    public Map<Long, CollectionStart> collections() {
        Map<Long, CollectionStart> started = new TreeMap<>();
        entries.keySet().stream()
                .filter(key -> key.startsWith(PREFIX + "collection/") && key.indexOf('/', (PREFIX + "collection/").length()) < 0)
                .forEach(key -> {
                    long id = Long.parseLong(key.substring((PREFIX + "collection/").length()));
                    collection(id).ifPresent(start -> started.put(id, start));
                });
        return started;
    }

    /** What {@code get} and {@code list} show of it. */
    public CopyStatus status() {
        List<CopyStatus.Collection> shown = new ArrayList<>();
        collections().forEach((id, start) -> shown.add(new CopyStatus.Collection(start.name(),
                done() ? "streaming" : collectionFinished(id) ? "copied" : "copying", rowsCopied(id), start.rowsAtStart())));
        return new CopyStatus(done() ? "streaming" : "copying", shown);
    }

    /** The same progress with these entries stored. */
    public SnapshotProgress with(Map<String, String> stored) {
        Map<String, String> next = new TreeMap<>(entries);
        next.putAll(stored);
        return new SnapshotProgress(next);
    }

    private static String collectionKey(long collectionId) {
        return PREFIX + "collection/" + collectionId;
    }

    private static String partitionKey(long collectionId, long partitionId) {
        return collectionKey(collectionId) + "/partition/" + partitionId;
    }
}
