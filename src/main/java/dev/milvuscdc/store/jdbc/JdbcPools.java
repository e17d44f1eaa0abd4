package dev.milvuscdc.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.milvuscdc.store.StoreLocation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

/**
 * Connection pools for the two SQL backends. Both fail at once, within the connect timeout, when
 * the database cannot be opened, instead of letting the first task operation hang.
 */
public final class JdbcPools {

    private static final long CONNECT_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(5);
    private static final long BORROW_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(10);
    private static final long SOCKET_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(30);
    /** The most connections a pool holds. */
    static final int MAX_POOL_SIZE = 4;

    private JdbcPools() {
    }

    /**
     * H2 in MySQL mode on {@code <dataDir>/tasks.mv.db}. {@code WRITE_DELAY=0} writes every commit to
     * the file before the commit returns: with H2's default a killed process loses up to half a
     * second of commits (the crash test catches it). {@code DB_CLOSE_ON_EXIT=FALSE} leaves closing to
     * {@link JdbcTaskStore#close()}, so H2's own shutdown hook cannot close the database before the
     * server has saved its last positions. H2 reuses the space of replaced data only after 45 s
     * (its power-loss margin), so the file holds about 45 s of commits while open (measured: ~14 KB
     * per save of 16 positions, ~75 MB at 100 saves/s) and shrinks on close.
     */
    public static HikariDataSource embedded(Path dataDir, StoreLocation location) {
        HikariConfig config = common("task-store-embedded");
        config.setJdbcUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("tasks")
                + ";MODE=MySQL;DATABASE_TO_LOWER=TRUE;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=" + BORROW_TIMEOUT_MS);
        return start(config, location);
    }

    /** MySQL or MariaDB through the MariaDB driver; {@code jdbc:mysql:} URLs are accepted too. */
    public static HikariDataSource mysql(String jdbcUrl, String user, String password, StoreLocation location) {
        HikariConfig config = common("task-store-mysql");
        config.setDriverClassName("org.mariadb.jdbc.Driver");
        config.setJdbcUrl(jdbcUrl.startsWith("jdbc:mysql:") ? "jdbc:mariadb:" + jdbcUrl.substring(11) : jdbcUrl);
        if (user != null && !user.isEmpty()) {
            config.addDataSourceProperty("user", user);
            config.addDataSourceProperty("password", password == null ? "" : password);
        }
        config.addDataSourceProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_MS));
        config.addDataSourceProperty("socketTimeout", String.valueOf(SOCKET_TIMEOUT_MS));
        return start(config, location);
    }

    /** The URL without its query and user info, where credentials may hide: safe for messages. */
    public static String withoutCredentials(String jdbcUrl) {
        int query = jdbcUrl.indexOf('?');
        String base = query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
        return base.replaceFirst("//[^/@]*@", "//");
    }

    private static HikariConfig common(String poolName) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(poolName);
        config.setMaximumPoolSize(MAX_POOL_SIZE);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(BORROW_TIMEOUT_MS);
        config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
        return config;
    }

    /**
     * Opens one connection before the pool, so that a wrong URL or password becomes one clear
     * {@link dev.milvuscdc.store.StoreException} instead of the pool's logged stack trace. The probe
     * stays open while the pool starts, which also keeps an H2 database from closing in between.
     */
    private static HikariDataSource start(HikariConfig config, StoreLocation location) {
        try (Connection probe = DriverManager.getConnection(config.getJdbcUrl(), config.getDataSourceProperties())) {
            return new HikariDataSource(config);
        } catch (SQLException | RuntimeException e) {
            throw location.failure("open the database", null, e);
        }
    }
}
