package dev.milvuscdc.snapshot;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
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
 *
 * <p>A target outage can take progress back ({@link #rewindTo}): a restarting Milvus 2.3.5 loses
 * writes it acknowledged in its last minutes, pages of the copy included, so they are copied again.
 * What a collection held when its copy began, and whether it was loaded, is never taken back: the
 * copy itself loads the collections it reads.
 */
public final class SnapshotProgress {

    static final String PREFIX = "snapshot/";
    private static final String DONE = PREFIX + "done";
    private static final String COLLECTION = PREFIX + "collection/";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A collection whose copy began: its name, the rows it held then, and whether it was loaded on the source. */
    public record CollectionStart(String name, long rowsAtStart, boolean wasLoaded) {
    }

    /** A partition's copy: the cursor, the rows copied so far, and whether it is finished. */
    public record PartitionState(String cursor, long rowsCopied, boolean finished) {
    }

    /** The catalog change that takes progress back: entries to store and keys to remove. */
    public record Rewind(Map<String, String> put, List<String> remove) {
        public boolean isEmpty() {
            return put.isEmpty() && remove.isEmpty();
        }
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
                .filter(SnapshotProgress::isCollectionStart)
                .forEach(key -> {
                    long id = Long.parseLong(key.substring(COLLECTION.length()));
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

    /** The entries a target outage may take back: the partitions' progress and the finished and done marks. */
    public Map<String, String> rewindable() {
        Map<String, String> rewindable = new TreeMap<>();
        entries.forEach((key, value) -> {
            if (!isCollectionStart(key)) {
                rewindable.put(key, value);
            }
        });
        return rewindable;
    }

    /** The change that sets the {@link #rewindable} entries to {@code earlier} (an earlier {@code rewindable()}). */
    public Rewind rewindTo(Map<String, String> earlier) {
        Map<String, String> put = new TreeMap<>();
        earlier.forEach((key, value) -> {
            if (key.startsWith(PREFIX) && !isCollectionStart(key) && !value.equals(entries.get(key))) {
                put.put(key, value);
            }
        });
        List<String> remove = rewindable().keySet().stream().filter(key -> !earlier.containsKey(key)).toList();
        return new Rewind(put, remove);
    }

    /** The same progress after a {@link #rewindTo} was stored. */
    public SnapshotProgress after(Rewind rewind) {
        Map<String, String> next = new TreeMap<>(entries);
        rewind.remove().forEach(next::remove);
        next.putAll(rewind.put());
        return new SnapshotProgress(next);
    }

    /** Entries as one catalog value (JSON). */
    public static String encode(Map<String, String> entries) {
        try {
            return JSON.writeValueAsString(new TreeMap<>(entries));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode the initial copy's progress", e);
        }
    }

    /** The entries of an {@link #encode}d value; empty for an empty or malformed one (then nothing is kept). */
    public static Map<String, String> decode(String value) {
        if (value.isBlank()) {
            return Map.of();
        }
        try {
            return JSON.readValue(value, new TypeReference<TreeMap<String, String>>() { });
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    private static boolean isCollectionStart(String key) {
        return key.startsWith(COLLECTION) && key.indexOf('/', COLLECTION.length()) < 0;
    }

    private static String collectionKey(long collectionId) {
        return COLLECTION + collectionId;
    }

    private static String partitionKey(long collectionId, long partitionId) {
        return collectionKey(collectionId) + "/partition/" + partitionId;
    }
}
