package dev.milvuscdc.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.store.LeaseLostException;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.StoreLocation;
import dev.milvuscdc.store.StoredJson;
import dev.milvuscdc.store.TaskLeases;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTransactionRollbackException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The task store over SQL, for both the embedded H2 database and MySQL/MariaDB: the SQL is MySQL's
 * and H2 runs it in MySQL mode, but for the clock and the upsert ({@link JdbcSchema.Dialect}). Every
 * method is one transaction. A task's row is the lock that orders writes to it: {@link #savePositions}
 * reads it {@code FOR UPDATE} before writing, and {@link #delete} removes it before the positions, so a
 * delete and a save of the same task never interleave and a deleted task never gets positions again.
 * Thread-safe; owns its connection pool.
 */
public final class JdbcTaskStore implements TaskStore {

    /** Deadlocks and serialisation failures are resolved by running the transaction again. */
    private static final int MAX_ATTEMPTS = 3;

    private final HikariDataSource pool;
    private final StoreLocation location;
    private final byte[] root;
    /** Present in a view made by {@link #fencedBy}, which shares the pool and does not close it. */
    private final Optional<Fence> fence;
    private final JdbcSchema.Dialect dialect;
    /** The upserts, in the dialect's SQL: built once, since positions are written several times a second. */
    private final String upsertTaskSql;
    private final String upsertPositionSql;
    private final String upsertCatalogEntrySql;

    private JdbcTaskStore(HikariDataSource pool, StoreLocation location, byte[] root, Optional<Fence> fence,
                          JdbcSchema.Dialect dialect) {
        this.pool = pool;
        this.dialect = dialect;
        this.upsertTaskSql = upsert("cdc_task", List.of("root_path", "task_id"), List.of("spec", "state", "reason"));
        this.upsertPositionSql = upsert("cdc_task_position", List.of("root_path", "task_id", "channel"),
                List.of("message_id", "ts"));
        this.upsertCatalogEntrySql = upsert("cdc_task_catalog", List.of("root_path", "task_id", "entry_key"),
                List.of("entry_value"));
        this.location = location;
        this.root = root;
        this.fence = fence;
    }

    /** MySQL or MariaDB: creates the tables if missing; takes ownership of the pool and closes it on failure. */
    public static JdbcTaskStore mysql(HikariDataSource pool, StoreLocation location, String rootPath) {
        return open(pool, location, rootPath, JdbcSchema.Dialect.MYSQL);
    }

    /** H2 in MySQL mode: as {@link #mysql}. */
    public static JdbcTaskStore h2(HikariDataSource pool, StoreLocation location, String rootPath) {
        return open(pool, location, rootPath, JdbcSchema.Dialect.H2);
    }

    private static JdbcTaskStore open(HikariDataSource pool, StoreLocation location, String rootPath,
                                      JdbcSchema.Dialect dialect) {
        JdbcTaskStore store = new JdbcTaskStore(pool, location, rootPath.getBytes(StandardCharsets.UTF_8),
                Optional.empty(), dialect);
        try {
            if (store.root.length > JdbcSchema.MAX_KEY_BYTES) {
                throw location.invalid("open", null, "metaStoreConfig.rootPath is " + store.root.length
                        + " bytes long in UTF-8, more than the " + JdbcSchema.MAX_KEY_BYTES + " this store accepts");
            }
            store.inTransaction("create its tables", null, connection -> {
                JdbcSchema.create(connection);
                return null;
            });
            return store;
        } catch (StoreException e) {
            pool.close();
            throw e;
        }
    }

    @Override
    public void put(TaskRecord task) {
        byte[] id = writableKey(task.taskId(), "task id", "save", task.taskId());
        inTransaction("save", task.taskId(), connection -> {
            upsertTask(connection, id, task);
            return null;
        });
    }

    @Override
    public void create(TaskRecord task, Collection<ChannelPosition> startPositions) {
        byte[] id = writableKey(task.taskId(), "task id", "save", task.taskId());
        Map<String, ChannelPosition> byChannel = byChannel(task.taskId(), startPositions);
        inTransaction("save", task.taskId(), connection -> {
            upsertTask(connection, id, task);
            upsertPositions(connection, id, byChannel);
            return null;
        });
    }

    private void upsertTask(Connection connection, byte[] id, TaskRecord task) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(upsertTaskSql)) {
            upsert.setBytes(1, root);
            upsert.setBytes(2, id);
            upsert.setString(3, StoredJson.spec(task.spec()));
            upsert.setString(4, task.state().name());
            upsert.setString(5, task.reason());
            upsert.executeUpdate();
        }
    }

    @Override
    public Optional<TaskRecord> get(String taskId) {
        byte[] id = taskKey(taskId);
        return inTransaction("read", taskId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT task_id, spec, state, reason FROM cdc_task WHERE root_path = ? AND task_id = ?")) {
                select.setBytes(1, root);
                select.setBytes(2, id);
                try (ResultSet row = select.executeQuery()) {
                    return row.next() ? Optional.of(toRecord(row)) : Optional.<TaskRecord>empty();
                }
            }
        });
    }

    @Override
    public List<TaskRecord> list() {
        return inTransaction("list tasks", null, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT task_id, spec, state, reason FROM cdc_task WHERE root_path = ? ORDER BY created_seq")) {
                select.setBytes(1, root);
                List<TaskRecord> tasks = new ArrayList<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        tasks.add(toRecord(row));
                    }
                }
                return tasks;
            }
        });
    }

    @Override
    public boolean delete(String taskId) {
        byte[] id = taskKey(taskId);
        return inTransaction("delete", taskId, connection -> {
            int deleted = update(connection, "DELETE FROM cdc_task WHERE root_path = ? AND task_id = ?", id);
            update(connection, "DELETE FROM cdc_task_position WHERE root_path = ? AND task_id = ?", id);
            update(connection, "DELETE FROM cdc_task_catalog WHERE root_path = ? AND task_id = ?", id);
            update(connection, "DELETE FROM cdc_task_lease WHERE root_path = ? AND task_id = ?", id);
            return deleted > 0;
        });
    }

    @Override
    public Map<String, ChannelPosition> positions(String taskId) {
        byte[] id = taskKey(taskId);
        return inTransaction("read positions", taskId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT channel, message_id, ts FROM cdc_task_position WHERE root_path = ? AND task_id = ?")) {
                select.setBytes(1, root);
                select.setBytes(2, id);
                Map<String, ChannelPosition> positions = new LinkedHashMap<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        String channel = new String(row.getBytes(1), StandardCharsets.UTF_8);
                        positions.put(channel, new ChannelPosition(channel, row.getString(2), row.getLong(3)));
                    }
                }
                return positions;
            }
        });
    }

    @Override
    public void savePositions(String taskId, Collection<ChannelPosition> positions) {
        byte[] id = taskKey(taskId);
        Map<String, ChannelPosition> byChannel = byChannel(taskId, positions);
        if (byChannel.isEmpty()) {
            return;
        }
        inTransaction("save positions", taskId, connection -> {
            if (!lockTask(connection, id)) {
                return null;
            }
            checkHold(connection, taskId, "save positions");
            upsertPositions(connection, id, byChannel);
            return null;
        });
    }

    /** The last position given of each channel, each channel name checked to be storable. */
    private Map<String, ChannelPosition> byChannel(String taskId, Collection<ChannelPosition> positions) {
        Map<String, ChannelPosition> byChannel = new LinkedHashMap<>();
        for (ChannelPosition position : positions) {
            writableKey(position.channel(), "channel name", "save positions", taskId);
            byChannel.put(position.channel(), position);
        }
        return byChannel;
    }

    private void upsertPositions(Connection connection, byte[] id, Map<String, ChannelPosition> byChannel)
            throws SQLException {
        if (byChannel.isEmpty()) {
            return;
        }
        try (PreparedStatement upsert = connection.prepareStatement(upsertPositionSql)) {
            for (ChannelPosition position : byChannel.values()) {
                upsert.setBytes(1, root);
                upsert.setBytes(2, id);
                upsert.setBytes(3, position.channel().getBytes(StandardCharsets.UTF_8));
                upsert.setString(4, position.messageId());
                upsert.setLong(5, position.timestamp());
                upsert.addBatch();
            }
            upsert.executeBatch();
        }
    }

    @Override
    public Map<String, String> catalog(String taskId) {
        byte[] id = taskKey(taskId);
        return inTransaction("read the catalog", taskId, connection -> {
            try (PreparedStatement select = connection.prepareStatement(
                    "SELECT entry_key, entry_value FROM cdc_task_catalog WHERE root_path = ? AND task_id = ?")) {
                select.setBytes(1, root);
                select.setBytes(2, id);
                Map<String, String> entries = new LinkedHashMap<>();
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        entries.put(new String(row.getBytes(1), StandardCharsets.UTF_8), row.getString(2));
                    }
                }
                return entries;
            }
        });
    }

    @Override
    public void updateCatalog(String taskId, Map<String, String> put, Collection<String> remove) {
        byte[] id = taskKey(taskId);
        put.keySet().forEach(key -> writableKey(key, "catalog key", "update the catalog", taskId));
        if (put.isEmpty() && remove.isEmpty()) {
            return;
        }
        inTransaction("update the catalog", taskId, connection -> {
            if (!lockTask(connection, id)) {
                return null;
            }
            checkHold(connection, taskId, "update the catalog");
            try (PreparedStatement delete = connection.prepareStatement(
                    "DELETE FROM cdc_task_catalog WHERE root_path = ? AND task_id = ? AND entry_key = ?");
                 PreparedStatement upsert = connection.prepareStatement(upsertCatalogEntrySql)) {
                for (String key : remove) {
                    delete.setBytes(1, root);
                    delete.setBytes(2, id);
                    delete.setBytes(3, key.getBytes(StandardCharsets.UTF_8));
                    delete.addBatch();
                }
                delete.executeBatch();
                for (Map.Entry<String, String> entry : put.entrySet()) {
                    upsert.setBytes(1, root);
                    upsert.setBytes(2, id);
                    upsert.setBytes(3, entry.getKey().getBytes(StandardCharsets.UTF_8));
                    upsert.setString(4, entry.getValue());
                    upsert.addBatch();
                }
                upsert.executeBatch();
            }
            return null;
        });
    }

    @Override
    public TaskLeases leases(String server, Duration leaseTime) {
        return new JdbcTaskLeases(this, writableKey(server, "server name", "take a lease", null), server, leaseTime);
    }

    @Override
    public TaskStore fencedBy(Fence hold) {
        return new JdbcTaskStore(pool, location, root, Optional.of(hold), dialect);
    }

    @Override
    public void close() {
        if (fence.isEmpty()) {
            pool.close();
        }
    }

    /** In a fenced view, refuses a write of the fenced task unless its hold stands, locking the hold's row meanwhile. */
    private void checkHold(Connection connection, String taskId, String action) throws SQLException {
        Optional<Fence> applying = fence.filter(f -> f.taskId().equals(taskId));
        if (applying.isEmpty()) {
            return;
        }
        try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM cdc_task_lease"
                + " WHERE root_path = ? AND task_id = ? AND holder = ? AND token = ? AND expires_ms > "
                + nowMs() + " FOR UPDATE")) {
            select.setBytes(1, root);
            select.setBytes(2, taskKey(taskId));
            select.setBytes(3, applying.get().holder().getBytes(StandardCharsets.UTF_8));
            select.setLong(4, applying.get().token());
            try (ResultSet row = select.executeQuery()) {
                if (!row.next()) {
                    throw new LeaseLostException(applying.get(), action);
                }
            }
        }
    }

    byte[] root() {
        return root;
    }

    /** Inserts a row of parameters, or replaces the other columns of the row with the same key. */
    private String upsert(String table, List<String> keyColumns, List<String> otherColumns) {
        return upsert(table, keyColumns, otherColumns,
                Collections.nCopies(keyColumns.size() + otherColumns.size(), "?"));
    }

    /** As {@link JdbcSchema.Dialect#upsert}. */
    String upsert(String table, List<String> keyColumns, List<String> otherColumns, List<String> values) {
        return dialect.upsert(table, keyColumns, otherColumns, values);
    }

    /** The database's time in milliseconds since the epoch, as SQL. */
    String nowMs() {
        return dialect.nowMs;
    }

    /** H2 runs inside this server and locks its file: no other server can open the store meanwhile. */
    boolean embedded() {
        return dialect == JdbcSchema.Dialect.H2;
    }

    @Override
    public String toString() {
        return location.toString();
    }

    private boolean lockTask(Connection connection, byte[] id) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT 1 FROM cdc_task WHERE root_path = ? AND task_id = ? FOR UPDATE")) {
            select.setBytes(1, root);
            select.setBytes(2, id);
            try (ResultSet row = select.executeQuery()) {
                return row.next();
            }
        }
    }

    private int update(Connection connection, String sql, byte[] id) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setBytes(1, root);
            statement.setBytes(2, id);
            return statement.executeUpdate();
        }
    }

    private TaskRecord toRecord(ResultSet row) throws SQLException {
        String taskId = new String(row.getBytes(1), StandardCharsets.UTF_8);
        try {
            return new TaskRecord(taskId, StoredJson.spec(row.getString(2)),
                    TaskState.valueOf(row.getString(3)), row.getString(4));
        } catch (IllegalArgumentException e) {
            throw location.invalid("read the stored definition", taskId, e.getMessage());
        }
    }

    /** Lookups may use any id: one too long for a key column simply matches no row. */
    static byte[] taskKey(String taskId) {
        return taskId.getBytes(StandardCharsets.UTF_8);
    }

    /** MySQL without strict mode would silently truncate an over-long key and merge two tasks. */
    private byte[] writableKey(String value, String what, String action, String taskId) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > JdbcSchema.MAX_KEY_BYTES) {
            throw location.invalid(action, taskId, "the " + what + " is " + bytes.length
                    + " bytes long in UTF-8, more than the " + JdbcSchema.MAX_KEY_BYTES + " this store accepts");
        }
        return bytes;
    }

    /** Runs work in one transaction, again on a deadlock; failures become {@link StoreException}s naming the store. */
    <T> T inTransaction(String action, String taskId, SqlWork<T> work) {
        for (int attempt = 1; ; attempt++) {
            try (Connection connection = begin()) {
                try {
                    T result = work.run(connection);
                    connection.commit();
                    return result;
                } catch (SQLException | RuntimeException e) {
                    rollback(connection, e);
                    throw e;
                }
            } catch (SQLException e) {
                if (attempt >= MAX_ATTEMPTS || !isTransient(e)) {
                    throw location.failure(action, taskId, e);
                }
            }
        }
    }

    /**
     * A pooled connection with a transaction begun. One found dead before any work ran on it (the database
     * restarted since it was last used; measured with MariaDB: "socket was closed by server" at the first
     * call after a restart) is dropped by the pool, and another is taken, as many times as the pool holds
     * connections.
     */
    private Connection begin() throws SQLException {
        for (int dead = 0; ; dead++) {
            Connection connection = pool.getConnection();
            try {
                connection.setAutoCommit(false);
                return connection;
            } catch (SQLException e) {
                try {
                    connection.close();
                } catch (SQLException closing) {
                    e.addSuppressed(closing);
                }
                if (dead >= JdbcPools.MAX_POOL_SIZE) {
                    throw e;
                }
            }
        }
    }

    /** A broken connection cannot roll back either; the first failure is the one worth reporting. */
    private static void rollback(Connection connection, Exception failure) {
        try {
            connection.rollback();
        } catch (SQLException e) {
            failure.addSuppressed(e);
        }
    }

    private static boolean isTransient(SQLException e) {
        return e instanceof SQLTransactionRollbackException
                || (e.getSQLState() != null && e.getSQLState().startsWith("40"));
    }

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }
}
