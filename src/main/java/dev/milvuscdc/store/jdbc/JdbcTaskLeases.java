package dev.milvuscdc.store.jdbc;

import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.TaskLeases;
import dev.milvuscdc.task.Fence;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds as rows of {@code cdc_task_lease} with an expiry that the database's clock measures, and the
 * servers' presences in {@code cdc_server}. Every step is one transaction; taking a hold locks its row
 * ({@code FOR UPDATE}), so two servers never both take one. A row that expired is taken over with the
 * next token, the row kept so that tokens only grow; giving a hold up expires its row at once. Each
 * instance is one run of its server ({@code holder_run}): a server restarted under the same name (its old
 * process is gone: the name carries its listen port) takes its old holds over at once, with new tokens.
 * Thread-safe.
 */
final class JdbcTaskLeases implements TaskLeases {

    private static final Logger LOG = LoggerFactory.getLogger(JdbcTaskLeases.class);

    private final JdbcTaskStore store;
    private final byte[] name;
    private final byte[] run = UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8);
    private final String server;
    private final Duration leaseTime;

    JdbcTaskLeases(JdbcTaskStore store, byte[] name, String server, Duration leaseTime) {
        this.store = store;
        this.name = name;
        this.server = server;
        this.leaseTime = leaseTime;
        store.inTransaction("record the server's presence", null, connection -> {
            markPresent(connection);
            return null;
        });
    }

    @Override
    public String server() {
        return server;
    }

    @Override
    public Duration leaseTime() {
        return leaseTime;
    }

    @Override
    public boolean exclusive() {
        return store.embedded();
    }

    @Override
    public Map<String, Fence> renew() {
        return store.inTransaction("renew the holds", null, connection -> {
            markPresent(connection);
            try (PreparedStatement extend = connection.prepareStatement("UPDATE cdc_task_lease SET expires_ms = "
                    + store.nowMs() + " + ? WHERE root_path = ? AND holder = ? AND holder_run = ? AND expires_ms > " + store.nowMs())) {
                extend.setLong(1, leaseTime.toMillis());
                extend.setBytes(2, store.root());
                extend.setBytes(3, name);
                extend.setBytes(4, run);
                extend.executeUpdate();
            }
            Map<String, Fence> mine = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT task_id, token FROM cdc_task_lease"
                    + " WHERE root_path = ? AND holder = ? AND holder_run = ? AND expires_ms > " + store.nowMs())) {
                select.setBytes(1, store.root());
                select.setBytes(2, name);
                select.setBytes(3, run);
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        String taskId = new String(row.getBytes(1), StandardCharsets.UTF_8);
                        mine.put(taskId, new Fence(taskId, server, row.getLong(2)));
                    }
                }
            }
            return mine;
        });
    }

    @Override
    public Optional<Fence> acquire(String taskId) {
        byte[] id = JdbcTaskStore.taskKey(taskId);
        return store.inTransaction("take the hold", taskId, connection -> {
            try (PreparedStatement select = connection.prepareStatement("SELECT holder, token, expires_ms > "
                    + store.nowMs() + ", holder_run FROM cdc_task_lease WHERE root_path = ? AND task_id = ? FOR UPDATE")) {
                select.setBytes(1, store.root());
                select.setBytes(2, id);
                try (ResultSet row = select.executeQuery()) {
                    if (!row.next()) {
                        return insert(connection, taskId, id);
                    }
                    boolean myName = Arrays.equals(row.getBytes(1), name);
                    long token = row.getLong(2);
                    if (row.getBoolean(3) && !myName) {
                        return Optional.<Fence>empty();
                    }
                    if (row.getBoolean(3) && Arrays.equals(row.getBytes(4), run)) {
                        return Optional.of(new Fence(taskId, server, token));
                    }
                    return takeOver(connection, taskId, id, token + 1);
                }
            }
        });
    }

    @Override
    public void release(Fence hold) {
        store.inTransaction("give the hold up", hold.taskId(), connection -> {
            try (PreparedStatement expire = connection.prepareStatement("UPDATE cdc_task_lease SET expires_ms = 0"
                    + " WHERE root_path = ? AND task_id = ? AND holder = ? AND token = ?")) {
                expire.setBytes(1, store.root());
                expire.setBytes(2, JdbcTaskStore.taskKey(hold.taskId()));
                expire.setBytes(3, hold.holder().getBytes(StandardCharsets.UTF_8));
                expire.setLong(4, hold.token());
                expire.executeUpdate();
            }
            return null;
        });
    }

    @Override
    public Map<String, String> holders() {
        return store.inTransaction("list the holds", null, connection -> {
            Map<String, String> holders = new LinkedHashMap<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT task_id, holder FROM cdc_task_lease"
                    + " WHERE root_path = ? AND expires_ms > " + store.nowMs())) {
                select.setBytes(1, store.root());
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        holders.put(new String(row.getBytes(1), StandardCharsets.UTF_8),
                                new String(row.getBytes(2), StandardCharsets.UTF_8));
                    }
                }
            }
            return holders;
        });
    }

    @Override
    public Set<String> servers() {
        return store.inTransaction("list the servers", null, connection -> {
            Set<String> names = new LinkedHashSet<>();
            try (PreparedStatement select = connection.prepareStatement("SELECT name FROM cdc_server"
                    + " WHERE root_path = ? AND expires_ms > " + store.nowMs())) {
                select.setBytes(1, store.root());
                try (ResultSet row = select.executeQuery()) {
                    while (row.next()) {
                        names.add(new String(row.getBytes(1), StandardCharsets.UTF_8));
                    }
                }
            }
            return names;
        });
    }

    /** Expires every hold of this server and its presence at once, so other servers take the tasks. */
    @Override
    public void close() {
        try {
            store.inTransaction("give every hold up", null, connection -> {
                try (PreparedStatement expire = connection.prepareStatement(
                        "UPDATE cdc_task_lease SET expires_ms = 0 WHERE root_path = ? AND holder = ? AND holder_run = ?");
                     PreparedStatement leave = connection.prepareStatement(
                             "DELETE FROM cdc_server WHERE root_path = ? AND name = ?")) {
                    expire.setBytes(1, store.root());
                    expire.setBytes(2, name);
                    expire.setBytes(3, run);
                    expire.executeUpdate();
                    leave.setBytes(1, store.root());
                    leave.setBytes(2, name);
                    leave.executeUpdate();
                }
                return null;
            });
        } catch (StoreException e) {
            LOG.warn("server {}: its holds were not given up ({}); they expire after {} s", server, e.getMessage(),
                    leaseTime.toSeconds());
        }
    }

    private void markPresent(Connection connection) throws SQLException {
        try (PreparedStatement upsert = connection.prepareStatement(store.upsert("cdc_server",
                List.of("root_path", "name"), List.of("expires_ms"), List.of("?", "?", store.nowMs() + " + ?")))) {
            upsert.setBytes(1, store.root());
            upsert.setBytes(2, name);
            upsert.setLong(3, leaseTime.toMillis());
            upsert.executeUpdate();
        }
    }

    /** A first hold of the task; another server inserting at the same moment wins, and this one gets none. */
    private Optional<Fence> insert(Connection connection, String taskId, byte[] id) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT IGNORE INTO cdc_task_lease"
                + " (root_path, task_id, holder, holder_run, token, expires_ms) VALUES (?, ?, ?, ?, 1, "
                + store.nowMs() + " + ?)")) {
            insert.setBytes(1, store.root());
            insert.setBytes(2, id);
            insert.setBytes(3, name);
            insert.setBytes(4, run);
            insert.setLong(5, leaseTime.toMillis());
            return insert.executeUpdate() == 1 ? Optional.of(new Fence(taskId, server, 1)) : Optional.empty();
        }
    }

    private Optional<Fence> takeOver(Connection connection, String taskId, byte[] id, long token) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE cdc_task_lease SET holder = ?, holder_run = ?,"
                + " token = ?, expires_ms = " + store.nowMs() + " + ? WHERE root_path = ? AND task_id = ?")) {
            update.setBytes(1, name);
            update.setBytes(2, run);
            update.setLong(3, token);
            update.setLong(4, leaseTime.toMillis());
            update.setBytes(5, store.root());
            update.setBytes(6, id);
            update.executeUpdate();
            return Optional.of(new Fence(taskId, server, token));
        }
    }
}
