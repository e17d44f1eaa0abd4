package dev.milvuscdc.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

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

    private JdbcSchema() {
    }

    static void create(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.execute(TASKS);
            statement.execute(POSITIONS);
            statement.execute(CATALOG);
        }
    }
}
