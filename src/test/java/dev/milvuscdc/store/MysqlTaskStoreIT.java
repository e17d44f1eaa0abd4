package dev.milvuscdc.store;

import static dev.milvuscdc.store.StoreFixtures.position;
import static dev.milvuscdc.store.StoreFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.store.jdbc.JdbcPools;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskState;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The contract against the rig's real MariaDB, plus what only a server database can get wrong. */
class MysqlTaskStoreIT extends TaskStoreContract {

    @Override
    protected TaskStore open(String rootPath) {
        return TaskStores.mysql(Rig.get().mysqlUrl(), null, null, rootPath);
    }

    @Test
    void itsLeasesSayOtherServersMayShareTheStore() {
        try (TaskLeases leases = store.leases("s1", Duration.ofSeconds(10))) {
            assertThat(leases.exclusive()).isFalse();
        }
    }

    /**
     * A fenced write locks its task's hold row inside its transaction; a server frozen there (SIGSTOP) kept
     * the row locked while its connection stayed open, and the server taking the hold over waited for the
     * lock until its socket timed out (30 s), round after round. The database now closes a pooled connection
     * idle inside a transaction, so the takeover waits for that, not for the frozen server to run again.
     */
    @Test
    void aServerFrozenInsideATransactionDoesNotKeepItsHoldFromTheOthers() throws SQLException {
        store.put(task("t1", TaskState.Running, ""));
        Duration lease = Duration.ofSeconds(2);
        StoreLocation location = new StoreLocation("MySQL", "the rig's MariaDB", "none");
        try (TaskLeases frozen = store.leases("frozen", lease); TaskLeases other = store.leases("other", lease);
             HikariDataSource frozensPool = JdbcPools.mysql(Rig.get().mysqlUrl(), null, null, location);
             Connection inside = frozensPool.getConnection()) {
            assertThat(frozen.acquire("t1")).isPresent();
            inside.setAutoCommit(false);
            try (PreparedStatement lock = inside.prepareStatement(
                    "SELECT 1 FROM cdc_task_lease WHERE root_path = ? AND task_id = ? FOR UPDATE")) {
                lock.setBytes(1, rootPath.getBytes(StandardCharsets.UTF_8));
                lock.setBytes(2, "t1".getBytes(StandardCharsets.UTF_8));
                assertThat(lock.executeQuery().next()).isTrue();
            }
            Instant frozenAt = Instant.now();

            // As a server's rounds do: an attempt that waited for the lock judges the hold by the time it began.
            Fence taken = await().atMost(Duration.ofSeconds(30)).until(() -> other.acquire("t1"), Optional::isPresent)
                    .orElseThrow();
            assertThat(taken.holder()).isEqualTo("other");
            assertThat(Duration.between(frozenAt, Instant.now())).isLessThan(Duration.ofSeconds(15));
            assertThatThrownBy(inside::commit).as("the frozen server's transaction, once it runs again")
                    .isInstanceOf(SQLException.class);
        }
    }

    @Test
    void writesOneTaskRowAndOnePositionRowPerChannelUnderItsRootPath() throws SQLException {
        store.put(task("t1", TaskState.Running, ""));
        store.savePositions("t1", List.of(position("ch1", "a", 1), position("ch2", "b", 2)));

        try (Connection connection = DriverManager.getConnection(Rig.get().mysqlUrl())) {
            assertThat(count(connection, "cdc_task")).isEqualTo(1);
            assertThat(count(connection, "cdc_task_position")).isEqualTo(2);
        }
    }

    @Test
    void aServerThatDoesNotListenFailsQuicklyWithTheUrlAndAHintButNoPassword() throws IOException {
        String url = "jdbc:mariadb://127.0.0.1:" + unusedPort() + "/milvuscdc?user=cdc&password=url-secret";
        Instant start = Instant.now();

        assertThatThrownBy(() -> TaskStores.mysql(url, "cdc", "param-secret", rootPath))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(JdbcPools.withoutCredentials(url))
                .hasMessageContaining("metaStoreConfig.mysqlSourceUrl")
                .message().doesNotContain("url-secret", "param-secret");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void aWrongPasswordFailsWithTheServersAnswerButNotThePassword() {
        String url = JdbcPools.withoutCredentials(Rig.get().mysqlUrl());

        assertThatThrownBy(() -> TaskStores.mysql(url, "cdc", "wrong-secret", rootPath))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("Access denied")
                .message().doesNotContain("wrong-secret");
    }

    private int count(Connection connection, String table) throws SQLException {
        try (PreparedStatement select = connection.prepareStatement(
                "SELECT COUNT(*) FROM " + table + " WHERE root_path = ?")) {
            select.setBytes(1, rootPath.getBytes(StandardCharsets.UTF_8));
            try (ResultSet row = select.executeQuery()) {
                row.next();
                return row.getInt(1);
            }
        }
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
