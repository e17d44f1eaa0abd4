package dev.milvuscdc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.rig.EtcdServer;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The etcd store against an etcd of its own that the tests stop, restart and put under authentication. */
class EtcdTaskStoreOutageIT {

    private static final TaskRecord TASK = StoreFixtures.task("t1", TaskState.Running, "");

    @TempDir
    Path dir;
    private EtcdServer etcd;

    @BeforeEach
    void startEtcd() throws Exception {
        etcd = new EtcdServer(dir.resolve("etcd"));
        etcd.start();
    }

    @AfterEach
    void stopEtcd() throws Exception {
        etcd.close();
    }

    @Test
    void callsFailWithinTheTimeoutWhileEtcdIsDownAndWorkAgainAfterItIsBack() throws Exception {
        try (TaskStore store = TaskStores.etcd(List.of(etcd.endpoint()), "", "", "outage")) {
            store.put(TASK);
            etcd.stop();

            Instant start = Instant.now();
            assertThatThrownBy(() -> store.savePositions("t1", List.of(new ChannelPosition("ch", "m", 1))))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining("cannot save positions of task t1")
                    .hasMessageContaining(etcd.endpoint());
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));

            etcd.start();
            assertThat(store.get("t1")).contains(TASK);
        }
    }

    @Test
    void withAuthenticationTheRightPasswordWorksAndAWrongOneIsReportedWithoutIt() throws Exception {
        etcd.enableAuth("root", "right-secret");

        try (TaskStore store = TaskStores.etcd(List.of(etcd.endpoint()), "root", "right-secret", "auth")) {
            store.put(TASK);
            assertThat(store.list()).containsExactly(TASK);
        }
        assertThatThrownBy(() -> TaskStores.etcd(List.of(etcd.endpoint()), "root", "wrong-secret", "auth"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("authentication failed")
                .hasMessageContaining("metaStoreConfig.etcd")
                .message().doesNotContain("wrong-secret", "right-secret");
        assertThatThrownBy(() -> TaskStores.etcd(List.of(etcd.endpoint()), "", "", "auth"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("user name is empty");
    }
}
