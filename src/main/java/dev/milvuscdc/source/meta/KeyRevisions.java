package dev.milvuscdc.source.meta;

import java.util.HashMap;
import java.util.Map;

/**
 * The etcd mod revision of the record last applied for each key. A listing made again while the
 * watch runs can be newer than the watch events still to be applied: a collection listed as Created
 * would otherwise fall back to Creating when the watch's older event came in, and the index and load
 * requests that arrived meanwhile would find no collection and be passed over. Not thread-safe: the
 * caller applies records under its own lock.
 */
final class KeyRevisions {

    private final Map<String, Long> applied = new HashMap<>();

    /** Whether a record of {@code key} at {@code revision} is no older than the one applied; records it if so. */
    boolean admit(String key, long revision) {
        Long last = applied.get(key);
        if (last != null && revision < last) {
            return false;
        }
        applied.put(key, revision);
        return true;
    }
}
