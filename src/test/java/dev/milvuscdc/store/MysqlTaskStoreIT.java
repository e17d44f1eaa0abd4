package dev.milvuscdc.store;

import static dev.milvuscdc.store.StoreFixtures.position;
import static dev.milvuscdc.store.StoreFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.store.jdbc.JdbcPools;
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
