package dev.milvuscdc.replication;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a run knows of its target's processes: the node id of its proxy and the names of its data
 * nodes, which Milvus renews at every start of a process. Both are kept in the task's catalog, so
 * that the next run notices a restart that happened while no run watched.
 */
record TargetIdentity(Optional<Long> proxy, Optional<String> dataNodes) {

    static final String PROXY_KEY = "target-proxy";
    static final String DATA_NODES_KEY = "target-data-nodes";
    static final List<String> KEYS = List.of(PROXY_KEY, DATA_NODES_KEY);
    static final TargetIdentity NONE = new TargetIdentity(Optional.empty(), Optional.empty());

    /** Whether the catalog names a proxy other than {@code proxy}. */
    static boolean proxyChanged(Map<String, String> entries, Optional<Long> proxy) {
        String recorded = entries.get(PROXY_KEY);
        return recorded != null && proxy.isPresent() && !recorded.equals(proxy.get().toString());
    }

    /** What changed since the catalog's entries were recorded, if anything did. */
    Optional<String> changeSince(Map<String, String> entries) {
        if (proxyChanged(entries, proxy)) {
            return Optional.of("its proxy was node " + entries.get(PROXY_KEY) + ", now node " + proxy.orElseThrow());
        }
        String recorded = entries.get(DATA_NODES_KEY);
        if (recorded != null && dataNodes.isPresent() && !recorded.equals(dataNodes.get())) {
            return Optional.of("its data nodes were " + recorded + ", now " + dataNodes.get());
        }
        return Optional.empty();
    }

    /** Whether the target told anything a watch can compare. */
    boolean known() {
        return proxy.isPresent() || dataNodes.isPresent();
    }

    /** The catalog entries to write. */
    Map<String, String> entries() {
        Map<String, String> entries = new LinkedHashMap<>();
        proxy.ifPresent(id -> entries.put(PROXY_KEY, id.toString()));
        dataNodes.ifPresent(names -> entries.put(DATA_NODES_KEY, names));
        return entries;
    }

    /** The catalog entries to remove: an entry of an earlier target process that this run did not learn again. */
    List<String> staleKeys() {
        List<String> stale = new ArrayList<>(KEYS);
        stale.removeAll(entries().keySet());
        return stale;
    }
}
