package dev.milvuscdc;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.milvuscdc.cli.BuildVersion;
import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.config.ConfigException;
import dev.milvuscdc.config.ConfigLoader;
import dev.milvuscdc.replication.ReplicationRunnerFactory;
import dev.milvuscdc.store.StoreException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** Starts the CDC server: {@code java dev.milvuscdc.Main [--config cdc.yaml]}. */
@Command(name = "milvus-cdc", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class,
        description = "Change-data-capture server for Milvus, managed through POST /cdc.")
public final class Main implements Callable<Integer> {

    /** Exit code for a configuration that cannot be used. */
    static final int BAD_CONFIG = 2;
    static final int CANNOT_START = 1;

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Main.class);

    @Option(names = "--config", paramLabel = "FILE",
            description = "cdc.yaml to read; without it every key has its default (CDC_* variables still apply)")
    private Path configFile;

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() throws InterruptedException {
        CdcConfig config;
        try {
            ConfigLoader.Loaded loaded = ConfigLoader.load(configFile, System.getenv());
            config = loaded.config();
            if (!loaded.unknownKeys().isEmpty()) {
                LOG.warn("ignoring unknown configuration keys: {}", String.join(", ", loaded.unknownKeys()));
            }
            if (!loaded.keysWithoutEffect().isEmpty()) {
                LOG.warn("configuration keys read but without effect in this server: {}",
                        String.join(", ", loaded.keysWithoutEffect()));
            }
            if (!loaded.aliasesUsed().isEmpty()) {
                LOG.warn("reading reference 1.x configuration keys under their current names: {}",
                        String.join(", ", loaded.aliasesUsed()));
            }
        } catch (ConfigException e) {
            System.err.println("milvus-cdc: invalid configuration: " + e.getMessage());
            return BAD_CONFIG;
        }
        setLogLevel(config.server().logLevel());
        if (config.source().pulsar().isConfigured()) {
            LOG.info("the source's log is read from Pulsar {} (sourceConfig.pulsar.address is set; sourceConfig.kafka is unused)",
                    config.source().pulsar().address());
        }
        LOG.info("starting with {}", config);
        CdcServer server;
        try {
            server = CdcServer.start(config,
                    (store, metrics) -> new ReplicationRunnerFactory(ReplicationWiring.settings(config), store, metrics));
        } catch (StoreException e) {
            LOG.error("cannot open the task store: {}", e.getMessage());
            return CANNOT_START;
        } catch (RuntimeException e) {
            LOG.error("cannot start: {}", e.toString());
            return CANNOT_START;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "shutdown"));
        stopped.await();
        return 0;
    }

    static void setLogLevel(String level) {
        Level parsed = Level.toLevel(level, Level.INFO);
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(parsed);
    }
}
