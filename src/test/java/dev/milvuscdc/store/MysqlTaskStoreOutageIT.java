package dev.milvuscdc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MySQL store against a MariaDB of its own that the test stops and restarts. */
class MysqlTaskStoreOutageIT {

    @TempDir
    Path dir;

    @Test
    void callsFailWithinTheTimeoutWhileTheDatabaseIsDownAndWorkAgainAfterItIsBack() throws Exception {
        try (MariaDbServer mariadb = new MariaDbServer(Files.createDirectories(dir.resolve("mariadb")))) {
            mariadb.start();
            try (Connection admin = DriverManager.getConnection(mariadb.jdbcUrl(""), "root", "");
                    Statement statement = admin.createStatement()) {
                statement.execute("CREATE DATABASE cdc");
            }
            TaskRecord task = StoreFixtures.task("t1", TaskState.Running, "");

            try (TaskStore store = TaskStores.mysql(mariadb.jdbcUrl("cdc"), "root", "", "outage")) {
                store.put(task);
                mariadb.stop();

                Instant start = Instant.now();
                assertThatThrownBy(() -> store.savePositions("t1", List.of(new ChannelPosition("ch", "m", 1))))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("cannot save positions of task t1")
                        .hasMessageContaining(mariadb.jdbcUrl("cdc"));
                assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));

                mariadb.start();
                store.savePositions("t1", List.of(new ChannelPosition("ch", "m", 1)));
                assertThat(store.get("t1")).contains(task);
                assertThat(store.positions("t1")).isEqualTo(Map.of("ch", new ChannelPosition("ch", "m", 1)));
            }
        }
    }
}
