package dev.milvuscdc.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The server's own settings (top-level keys of {@code cdc.yaml}).
 *
 * @param maxRequestBytes largest accepted {@code POST /cdc} body
 * @param apiToken        when set, what {@code /cdc} and {@code /cdc/metrics} require as
 *                        {@code Authorization: Bearer <token>}; {@code /health} never does
 * @param serverName      how this server is named among the servers sharing one task store, and in the
 *                        {@code owner} of the tasks it runs; by default {@code <host name>:<listen port>}
 * @param taskLease       how long a task stays held by a server that stopped renewing its hold: the longest
 *                        a task waits before another server takes it over
 */
public record ServerConfig(
        ListenAddress address,
        int maxTaskNum,
        int maxNameLength,
        String logLevel,
        Path dataDir,
        int maxRequestBytes,
        Secret apiToken,
        String serverName,
        Duration taskLease) {

    private static final List<String> LOG_LEVELS = List.of("trace", "debug", "info", "warn", "error", "off");

    /** Long enough for a few renewals every half second, short enough to stay an outage an operator waits out. */
    private static final int MIN_LEASE_SECONDS = 2;
    private static final int MAX_LEASE_SECONDS = 300;

    static ServerConfig read(ConfigTree tree) {
        ListenAddress address = ListenAddress.parse(tree.string("address", "0.0.0.0:8444"));
        ServerConfig config = new ServerConfig(
                address,
                tree.integer("maxTaskNum", 100),
                tree.integer("maxNameLength", 256),
                tree.string("logLevel", "info"),
                Path.of(tree.string("dataDir", "./data")),
                tree.integer("maxRequestBytes", 1024 * 1024),
                tree.secret("apiToken"),
                tree.string("serverName", hostName() + ":" + address.port()).strip(),
                Duration.ofSeconds(tree.integer("taskLeaseSeconds", 10)));
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
        if (config.serverName.isEmpty()) {
            throw new ConfigException("serverName: it is empty; leave it out for <host name>:<listen port>");
        }
        long lease = config.taskLease.toSeconds();
        if (lease < MIN_LEASE_SECONDS || lease > MAX_LEASE_SECONDS) {
            throw new ConfigException("taskLeaseSeconds: " + lease + " is not between " + MIN_LEASE_SECONDS
                    + " and " + MAX_LEASE_SECONDS);
        }
        return config;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
