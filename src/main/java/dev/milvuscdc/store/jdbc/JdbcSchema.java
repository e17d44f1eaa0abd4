package dev.milvuscdc.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The tables of the JDBC task stores, created when missing. The DDL is MySQL's, which H2
 * accepts in MySQL mode. Keys are {@code VARBINARY} (UTF-8 bytes) so that ids compare exactly:
 * MySQL's default collations would merge {@code a}, {@code A} and {@code "a "}. Every row carries
 * the store's root path, so servers with different roots can share one database.
 */
final class JdbcSchema {

    /** Longest root path, task id, channel name or catalog key a key column holds, in UTF-8 bytes. */
    static final int MAX_KEY_BYTES = 512;

    private static final String TASKS = """
            CREATE TABLE IF NOT EXISTS cdc_task (
              root_path VARBINARY(512) NOT NULL,
              task_id VARBINARY(512) NOT NULL,
              created_seq BIGINT NOT NULL AUTO_INCREMENT,
              spec LONGTEXT NOT NULL,
              state VARCHAR(16) NOT NULL,
              reason TEXT NOT NULL,
              PRIMARY KEY (root_path, task_id),
              UNIQUE KEY cdc_task_created_seq (created_seq)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";

    private static final String POSITIONS = """
            CREATE TABLE IF NOT EXISTS cdc_task_position (
              root_path VARBINARY(512) NOT NULL,
              task_id VARBINARY(512) NOT NULL,
              channel VARBINARY(512) NOT NULL,
              message_id TEXT NOT NULL,
              ts BIGINT NOT NULL,
              PRIMARY KEY (root_path, task_id, channel)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";

    private static final String CATALOG = """
            CREATE TABLE IF NOT EXISTS cdc_task_catalog (
              root_path VARBINARY(512) NOT NULL,
              task_id VARBINARY(512) NOT NULL,
              entry_key VARBINARY(512) NOT NULL,
              entry_value TEXT NOT NULL,
              PRIMARY KEY (root_path, task_id, entry_key)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";

    /**
     * Holds and presences of servers sharing the store (issue 15). Expiries are milliseconds since the
     * epoch by the database's own clock ({@link Dialect#nowMs}), never a server's; {@code DATETIME} or
     * {@code TIMESTAMP} would depend on each session's time zone, and MariaDB may update a
     * {@code TIMESTAMP} column by itself.
     */
    private static final String LEASES = """
            CREATE TABLE IF NOT EXISTS cdc_task_lease (
              root_path VARBINARY(512) NOT NULL,
              task_id VARBINARY(512) NOT NULL,
              holder VARBINARY(512) NOT NULL,
              holder_run VARBINARY(64) NOT NULL,
              token BIGINT NOT NULL,
              expires_ms BIGINT NOT NULL,
              PRIMARY KEY (root_path, task_id)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";

    private static final String SERVERS = """
            CREATE TABLE IF NOT EXISTS cdc_server (
              root_path VARBINARY(512) NOT NULL,
              name VARBINARY(512) NOT NULL,
              expires_ms BIGINT NOT NULL,
              PRIMARY KEY (root_path, name)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4""";

    /**
     * What differs between the two databases' SQL. The time in milliseconds since the epoch: H2's
     * {@code UNIX_TIMESTAMP} counts whole seconds only (measured: renewals every second of a 2-s hold then
     * lost it), so each database has its own. An insert that replaces the row of the same key: H2 runs
     * MySQL's {@code ON DUPLICATE KEY UPDATE} by trying the insert and catching a duplicate-key exception
     * for every row that exists, four times the CPU of an update (measured, 65 against 15 us a row), while
     * its own {@code MERGE ... KEY} updates first; the positions are written that way several times a second.
     */
    enum Dialect {
        MYSQL("FLOOR(UNIX_TIMESTAMP(CURRENT_TIMESTAMP(3)) * 1000)"),
        H2("FLOOR(EXTRACT(EPOCH FROM CURRENT_TIMESTAMP(3)) * 1000)");

        final String nowMs;

        Dialect(String nowMs) {
            this.nowMs = nowMs;
        }

        /**
         * Inserts a row, or replaces the other columns of the row with the same key columns.
         * @param values the SQL of each column's value, key columns first: {@code ?} or an expression
         */
        String upsert(String table, List<String> keyColumns, List<String> otherColumns, List<String> values) {
            String columns = "(" + String.join(", ", keyColumns) + ", " + String.join(", ", otherColumns) + ")";
            String row = "VALUES (" + String.join(", ", values) + ")";
            if (this == H2) {
                return "MERGE INTO " + table + " " + columns + " KEY (" + String.join(", ", keyColumns) + ") " + row;
            }
            return "INSERT INTO " + table + " " + columns + " " + row + " ON DUPLICATE KEY UPDATE "
                    + otherColumns.stream().map(c -> c + " = VALUES(" + c + ")").collect(Collectors.joining(", "));
        }
    }

    private JdbcSchema() {
    }

    static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(TASKS);
            statement.execute(POSITIONS);
            statement.execute(CATALOG);
            statement.execute(LEASES);
            statement.execute(SERVERS);
        }
    }
}
