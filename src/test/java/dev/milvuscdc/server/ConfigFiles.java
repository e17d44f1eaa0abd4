package dev.milvuscdc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Edits of a parsed {@code cdc.yaml} by dotted key, for tests that write configuration files. */
public final class ConfigFiles {

    private ConfigFiles() {
    }

    /** Sets {@code a.b.c} in the tree, making the maps on the way; a null value removes the key. */
    public static void set(ObjectNode tree, String key, JsonNode value) {
        String[] parts = key.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = node.has(parts[i]) ? (ObjectNode) node.get(parts[i]) : node.putObject(parts[i]);
        }
        if (value == null) {
            node.remove(parts[parts.length - 1]);
        } else {
            node.set(parts[parts.length - 1], value);
        }
    }
}
