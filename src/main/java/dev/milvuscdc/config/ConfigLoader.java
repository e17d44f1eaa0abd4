package dev.milvuscdc.config;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Reads {@code cdc.yaml} (optional: without it every key has its default) and the {@code CDC_*}
 * environment overrides into a {@link CdcConfig}.
 */
public final class ConfigLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ConfigLoader() {
    }

    /**
     * The configuration and what to say about it at start.
     *
     * @param unknownKeys       keys of the file and {@code CDC_*} variables that mean nothing to this server
     * @param keysWithoutEffect keys set that this server reads but that change nothing, each with the reason
     * @param aliasesUsed       reference 1.x keys that were read under their current names
     */
    public record Loaded(CdcConfig config, List<String> unknownKeys, List<String> keysWithoutEffect,
                         List<String> aliasesUsed) {
    }

    public static Loaded load(Path file, Map<String, String> env) {
        JsonNode root = file == null ? null : parse(file);
        ConfigTree tree = new ConfigTree(root, env);
        CdcConfig config = CdcConfig.read(tree);
        List<String> withoutEffect = tree.keysWithoutEffect();
        return new Loaded(config, tree.unknownKeys(), withoutEffect, tree.aliasesUsed());
    }

    private static JsonNode parse(Path file) {
        try {
            JsonNode root = YAML.readTree(Files.readString(file));
            if (root != null && !root.isNull() && !root.isMissingNode() && !root.isObject()) {
                throw new ConfigException(file + ": the top level must be a map of keys");
            }
            return root;
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file");
        } catch (JacksonException e) {
            throw new ConfigException(file + ": not valid YAML: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read: " + e.getMessage());
        }
    }
}
