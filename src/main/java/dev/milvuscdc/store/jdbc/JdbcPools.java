package dev.milvuscdc.store.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.milvuscdc.store.StoreLocation;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connection pools for the two SQL backends. Both fail at once, within the connect timeout, when
 * the database cannot be opened, instead of letting the first task operation hang.
 */
public final class JdbcPools {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcPools.class);
    private static final long CONNECT_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(5);
    private static final long BORROW_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(10);
    private static final long SOCKET_TIMEOUT_MS = TimeUnit.SECONDS.toMillis(30);
    /** The most connections a pool holds. */
    static final int MAX_POOL_SIZE = 4;
    /**
     * A server frozen inside a transaction (SIGSTOP, a paused VM, a long GC pause) keeps the rows it locked,
     * among them its tasks' holds, for as long as its connection stays open: no other server could take its
     * tasks over until it ran again (SeveralServersIT caught a failover from a frozen server that never came
     * on MariaDB). MariaDB closes a connection idle inside a transaction after this long, which rolls the
     * transaction back and frees its locks. Every step of the store is a short transaction, so a healthy
     * server is never idle inside one for seconds.
     */
    static final int IDLE_TRANSACTION_SECONDS = 5;
    /**
     * How long a statement waits for a lock before it fails, instead of MySQL's 50 s: longer than {@link
     * #IDLE_TRANSACTION_SECONDS}, so that a server taking a frozen server's hold over gets the lock once the
     * frozen transaction is rolled back, but short enough not to keep one of the few pooled connections.
     */
    static final int LOCK_WAIT_SECONDS = 10;

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
        return start(config, location, probe -> { });
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
        return start(config, location, probe -> config.setConnectionInitSql(sessionLimits(probe, location)));
    }

    /** The SQL that sets a connection's limits (see {@link #IDLE_TRANSACTION_SECONDS}), as far as the database has them. */
    private static String sessionLimits(Connection probe, StoreLocation location) throws SQLException {
        String limits = "SET SESSION innodb_lock_wait_timeout = " + LOCK_WAIT_SECONDS;
        try (Statement statement = probe.createStatement();
             ResultSet variable = statement.executeQuery("SHOW VARIABLES LIKE 'idle_transaction_timeout'")) {
            if (variable.next()) {
                return limits + ", idle_transaction_timeout = " + IDLE_TRANSACTION_SECONDS;
            }
        }
        LOG.warn("The {} has no idle_transaction_timeout (MySQL has none; MariaDB 10.3 and later have it): a server"
                + " frozen inside a store transaction keeps its tasks from the other servers until it runs again or the"
                + " database closes its connection (wait_timeout)", location);
        return limits;
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
    private static HikariDataSource start(HikariConfig config, StoreLocation location, ProbeCheck check) {
        try (Connection probe = DriverManager.getConnection(config.getJdbcUrl(), config.getDataSourceProperties())) {
            check.accept(probe);
            return new HikariDataSource(config);
        } catch (SQLException | RuntimeException e) {
            throw location.failure("open the database", null, e);
        }
    }

    /** What the probe connection tells about the database, set on the pool's configuration. */
    @FunctionalInterface
    private interface ProbeCheck {
        void accept(Connection probe) throws SQLException;
    }
}
