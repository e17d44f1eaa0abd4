package dev.milvuscdc.store;

import dev.milvuscdc.store.etcd.EtcdTaskStore;
import dev.milvuscdc.store.jdbc.JdbcPools;
import dev.milvuscdc.store.jdbc.JdbcTaskStore;
import io.netty.handler.ssl.SslContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the task store of each backend. Every factory fails within about ten seconds with a
 * {@link StoreException} when the store cannot be reached. {@code rootPath} separates the tasks of
 * servers that share one database or etcd.
 *
 * <p>The embedded store is H2 rather than SQLite: H2 is pure Java with no native library to ship,
 * and its MVStore commits atomically so a crash leaves the last committed state. In MySQL mode it
 * runs the same SQL as the MySQL backend, so one JDBC implementation serves both.
 */
public final class TaskStores {

    private static final Logger LOG = LoggerFactory.getLogger(TaskStores.class);

    private TaskStores() {
    }

    /** H2 database files under {@code dataDir}, created when missing. */
    public static TaskStore embedded(Path dataDir, String rootPath) {
        Objects.requireNonNull(rootPath, "rootPath");
        StoreLocation location = new StoreLocation("embedded", dataDir.toAbsolutePath().toString(),
                "check that the data directory is writable and not used by another running server");
        try {
            Files.createDirectories(dataDir);
        } catch (IOException e) {
            throw location.failure("create the data directory", null, e);
        }
        return opened(JdbcTaskStore.h2(JdbcPools.embedded(dataDir, location), location, rootPath), rootPath);
    }

    /** MySQL or MariaDB; the database must exist, the tables are created when missing. */
    public static TaskStore mysql(String jdbcUrl, String user, String password, String rootPath) {
        Objects.requireNonNull(rootPath, "rootPath");
        StoreLocation location = new StoreLocation("MySQL", JdbcPools.withoutCredentials(jdbcUrl),
                "check metaStoreConfig.mysqlSourceUrl, the user and password, and that the database exists");
        return opened(JdbcTaskStore.mysql(JdbcPools.mysql(jdbcUrl, user, password, location), location, rootPath),
                rootPath);
    }

    /** etcd v3 without TLS; {@code user} may be empty when etcd has no authentication. */
    public static TaskStore etcd(List<String> endpoints, String user, String password, String rootPath) {
        return etcd(endpoints, user, password, null, rootPath);
    }

    /** etcd v3; {@code user} may be empty when etcd has no authentication, {@code tls} null without TLS. */
    public static TaskStore etcd(List<String> endpoints, String user, String password, SslContext tls, String rootPath) {
        Objects.requireNonNull(rootPath, "rootPath");
        StoreLocation location = new StoreLocation("etcd", String.join(",", endpoints),
                "check metaStoreConfig.etcd.address, its credentials" + (tls == null ? "" : " and TLS files")
                        + ", and that etcd is running");
        return opened(EtcdTaskStore.open(endpoints, user, password, tls, rootPath, location), rootPath);
    }

    private static TaskStore opened(TaskStore store, String rootPath) {
        LOG.info("Opened the {} with root path '{}'", store, rootPath);
        return store;
    }
}
