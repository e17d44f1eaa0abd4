package dev.milvuscdc.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The server's own settings (top-level keys of {@code cdc.yaml}).
 *
 * @param maxRequestBytes largest accepted {@code POST /cdc} body
 * @param apiToken        when set, what {@code /cdc} and {@code /cdc/metrics} require as
 *                        {@code Authorization: Bearer <token>}; {@code /health} never does
 */
public record ServerConfig(
        ListenAddress address,
        int maxTaskNum,
        int maxNameLength,
        String logLevel,
        Path dataDir,
        int maxRequestBytes,
        Secret apiToken) {

    private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    static ServerConfig read(ConfigTree tree) {
        ServerConfig config = new ServerConfig(
                ListenAddress.parse(tree.string("address", "0.0.0.0:8444")),
                tree.integer("maxTaskNum", 100),
                tree.integer("maxNameLength", 256),
                tree.string("logLevel", "info"),
                Path.of(tree.string("dataDir", "./data")),
                tree.integer("maxRequestBytes", 1024 * 1024),
                tree.secret("apiToken"));
        if (!LOG_LEVELS.contains(config.logLevel.toLowerCase(Locale.ROOT))) {
            throw new ConfigException("logLevel: '" + config.logLevel + "' is not one of " + LOG_LEVELS);
        }
        if (config.maxTaskNum < 0) {
            throw new ConfigException("maxTaskNum: " + config.maxTaskNum + " is negative");
        }
        if (config.maxNameLength <= 0) {
            throw new ConfigException("maxNameLength: " + config.maxNameLength + " must be positive");
        }
        if (config.maxRequestBytes <= 0) {
            throw new ConfigException("maxRequestBytes: " + config.maxRequestBytes + " must be positive");
        }
        return config;
    }
}
