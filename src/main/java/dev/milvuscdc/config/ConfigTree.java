package dev.milvuscdc.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Typed, case-insensitive reads of a parsed YAML file, where an environment variable overrides a
 * key: {@code sourceConfig.kafka.address} is overridden by {@code CDC_SOURCECONFIG_KAFKA_ADDRESS}.
 * Remembers which keys were read so the ones nobody asked for can be reported.
 */
final class ConfigTree {

    static final String ENV_PREFIX = "CDC_";

    private final Map<String, JsonNode> leaves = new LinkedHashMap<>();
    private final Map<String, String> env;
    private final Set<String> read = new TreeSet<>();

    ConfigTree(JsonNode root, Map<String, String> env) {
        this.env = env;
        if (root != null && root.isObject()) {
            flatten("", root);
        }
    }

    static String envName(String key) {
        return ENV_PREFIX + key.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    String string(String key, String fallback) {
        String raw = raw(key);
        return raw == null ? fallback : raw;
    }

    Secret secret(String key) {
        return new Secret(string(key, ""));
    }

    int integer(String key, int fallback) {
        String raw = raw(key);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(key + ": '" + raw + "' is not an integer");
        }
    }

    boolean bool(String key, boolean fallback) {
        String raw = raw(key);
        if (raw == null || raw.isBlank()) {
            return fallback;
        }
        return switch (raw.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key + ": '" + raw + "' is not true or false");
        };
    }

    /** A YAML list, or a comma-separated text from YAML or the environment. */
    List<String> list(String key, List<String> fallback) {
        String override = env.get(envName(key));
        JsonNode node = leaves.get(normal(key));
        read.add(normal(key));
        List<String> items = new ArrayList<>();
        if (override != null) {
            splitInto(override, items);
        } else if (node != null && node.isArray()) {
            node.forEach(item -> items.add(item.asText()));
        } else if (node != null && !node.isNull()) {
            splitInto(node.asText(), items);
        }
        return items.isEmpty() ? fallback : List.copyOf(items);
    }

    /** A free-form map of extra client properties; every key under it counts as read. */
    Map<String, String> map(String key) {
        String prefix = normal(key) + ".";
        Map<String, String> values = new LinkedHashMap<>();
        leaves.forEach((path, node) -> {
            if (path.startsWith(prefix)) {
                read.add(path);
                values.put(path.substring(prefix.length()), node.asText());
            }
        });
        read.add(normal(key));
        return Map.copyOf(values);
    }

    /**
     * Keys present in the file that no section read (lower-cased), then {@code CDC_*} environment
     * variables that name no key.
     */
    List<String> unknownKeys() {
        Set<String> readEnvNames = new TreeSet<>();
        read.forEach(key -> readEnvNames.add(envName(key)));
        List<String> unknown = new ArrayList<>(leaves.keySet().stream().filter(k -> !read.contains(k)).toList());
        env.keySet().stream().filter(name -> name.startsWith(ENV_PREFIX) && !readEnvNames.contains(name))
                .sorted().forEach(unknown::add);
        return unknown;
    }

    private String raw(String key) {
        String override = env.get(envName(key));
        String path = normal(key);
        read.add(path);
        if (override != null) {
            return override;
        }
        JsonNode node = leaves.get(path);
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isContainerNode()) {
            throw new ConfigException(key + ": expected a single value, found a " + (node.isArray() ? "list" : "map"));
        }
        return node.asText();
    }

    private void flatten(String prefix, JsonNode node) {
        node.fields().forEachRemaining(field -> {
            String path = prefix + field.getKey().toLowerCase(Locale.ROOT);
            JsonNode value = field.getValue();
            if (value.isObject() && !value.isEmpty()) {
                flatten(path + ".", value);
            } else {
                leaves.put(path, value);
            }
        });
    }

    private static String normal(String key) {
        return key.toLowerCase(Locale.ROOT);
    }

    private static void splitInto(String text, List<String> items) {
        for (String part : text.split(",")) {
            if (!part.isBlank()) {
                items.add(part.trim());
            }
        }
    }
}
