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
 * The reference's 1.x key names ({@link ReferenceKeys#ALIASES}) are read under their current names.
 * Remembers which keys were read so the ones nobody asked for can be reported.
 */
final class ConfigTree {

    static final String ENV_PREFIX = "CDC_";

    private final Map<String, JsonNode> leaves = new LinkedHashMap<>();
    private final Map<String, String> env;
    private final Set<String> read = new TreeSet<>();
    private final Set<String> readEnv = new TreeSet<>();
    private final List<String> aliasesUsed = new ArrayList<>();

    ConfigTree(JsonNode root, Map<String, String> env) {
        this.env = new LinkedHashMap<>(env);
        if (root != null && root.isObject()) {
            flatten("", root);
        }
        ReferenceKeys.ALIASES.forEach(this::readAliasAs);
    }

    /** The 1.x keys that were set, each as {@code old as current}. */
    List<String> aliasesUsed() {
        return List.copyOf(aliasesUsed);
    }

    /**
     * The keys of {@link ReferenceKeys#WITHOUT_EFFECT} that the file or the environment sets, each
     * with the reason it changes nothing; they count as read.
     */
    List<String> keysWithoutEffect() {
        List<String> present = new ArrayList<>();
        ReferenceKeys.WITHOUT_EFFECT.forEach((key, why) -> {
            boolean section = key.endsWith(".*");
            String path = normal(section ? key.substring(0, key.length() - 2) : key);
            List<String> leavesSet = leaves.keySet().stream()
                    .filter(leaf -> leaf.equals(path) || section && leaf.startsWith(path + ".")).toList();
            String envPath = envName(path);
            List<String> envSet = env.keySet().stream()
                    .filter(name -> name.equals(envPath) || section && name.startsWith(envPath + "_")).toList();
            if (!leavesSet.isEmpty() || !envSet.isEmpty()) {
                read.addAll(leavesSet);
                readEnv.addAll(envSet);
                present.add(key + " (" + why + ")");
            }
        });
        return present;
    }

    private void readAliasAs(String alias, String key) {
        JsonNode aliased = leaves.remove(normal(alias));
        if (aliased != null) {
            JsonNode current = leaves.get(normal(key));
            if (current != null && !current.equals(aliased)) {
                throw bothSet(alias, key);
            }
            leaves.put(normal(key), aliased);
        }
        String aliasedEnv = env.remove(envName(alias));
        if (aliasedEnv != null) {
            String current = env.get(envName(key));
            if (current != null && !current.equals(aliasedEnv)) {
                throw bothSet(envName(alias), envName(key));
            }
            env.put(envName(key), aliasedEnv);
        }
        if (aliased != null || aliasedEnv != null) {
            aliasesUsed.add(alias + " as " + key);
        }
    }

    private static ConfigException bothSet(String alias, String key) {
        return new ConfigException(alias + " (the reference 1.x name of " + key + ") and " + key
                + " are both set, to different values: keep only " + key);
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
        Set<String> readEnvNames = new TreeSet<>(readEnv);
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
