package dev.milvuscdc.store;

import static dev.milvuscdc.store.StoreFixtures.position;
import static dev.milvuscdc.store.StoreFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.server.CapturedLog;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The contract against the rig's real etcd, plus the documented key layout. */
class EtcdTaskStoreIT extends TaskStoreContract {

    @Override
    protected TaskStore open(String rootPath) {
        return TaskStores.etcd(endpoints(), "", "", rootPath);
    }

    @Test
    void keepsTasksAndPositionsAsJsonUnderTheRootPath() throws Exception {
        store.put(task("a/b", TaskState.Paused, "why"));
        store.savePositions("a/b", List.of(position("by-dev-rootcoord-dml_0", "AQAAAAAAAAA=", 42)));

        try (Client client = Client.builder().endpoints(endpoints().toArray(String[]::new)).build()) {
            List<KeyValue> stored = client.getKVClient()
                    .get(bytes(rootPath + "/"), GetOption.builder().isPrefix(true).build())
                    .get(10, TimeUnit.SECONDS).getKvs();

            assertThat(stored).extracting(kv -> kv.getKey().toString(StandardCharsets.UTF_8)).containsExactlyInAnyOrder(
                    rootPath + "/task_info/a%2Fb",
                    rootPath + "/task_position/a%2Fb/by-dev-rootcoord-dml_0");
            assertThat(stored).extracting(kv -> kv.getValue().toString(StandardCharsets.UTF_8)).contains(
                    "{\"channel\":\"by-dev-rootcoord-dml_0\",\"message_id\":\"AQAAAAAAAAA=\",\"timestamp\":42}");
        }
    }

    @Test
    void aValueInAnotherFormatIsSkippedByListAndReportedByGet() throws Exception {
        store.put(task("ours", TaskState.Running, ""));
        ByteSequence foreignKey = bytes(rootPath + "/task_info/go-task");
        try (Client client = Client.builder().endpoints(endpoints().toArray(String[]::new)).build()) {
            client.getKVClient().put(foreignKey, bytes("{\"TaskID\":\"go-task\",\"State\":1}"))
                    .get(10, TimeUnit.SECONDS);
            try {
                assertThat(store.list()).extracting(TaskRecord::taskId).containsExactly("ours");
                assertThatThrownBy(() -> store.get("go-task"))
                        .isInstanceOf(StoreException.class)
                        .hasMessageContaining("cannot read the stored value of task go-task");
            } finally {
                client.getKVClient().delete(foreignKey).get(10, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void anEtcdThatDoesNotListenFailsWithinTheTimeoutWithTheEndpointAndAHint() throws IOException {
        String endpoint = "http://127.0.0.1:" + unusedPort();
        Instant start = Instant.now();

        assertThatThrownBy(() -> TaskStores.etcd(List.of(endpoint), "root", "etcd-secret", rootPath))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(endpoint)
                .hasMessageContaining("metaStoreConfig.etcd.address")
                .message().doesNotContain("etcd-secret");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(15));
    }

    @Test
    void anExpiredLeaseIsAWarningOnlyForAServerThatHeldTasks() throws Exception {
        store.put(task("h1", TaskState.Running, ""));
        Duration lease = Duration.ofSeconds(2);
        try (CapturedLog log = new CapturedLog();
             TaskLeases idle = store.leases("idle", lease);
             TaskLeases busy = store.leases("busy", lease)) {
            busy.acquire("h1").orElseThrow();
            Thread.sleep(lease.toMillis() * 3);

            assertThat(idle.renew()).isEmpty();
            assertThat(busy.renew()).as("the hold went with the lease").isEmpty();

            assertThat(log.lines()).filteredOn(line -> line.contains("its etcd lease expired")).containsExactly(
                    "INFO dev.milvuscdc.store.etcd.EtcdTaskLeases server idle: its etcd lease expired while it held no task;"
                            + " taking a new lease",
                    "WARN dev.milvuscdc.store.etcd.EtcdTaskLeases server busy: its etcd lease expired, every hold it had is"
                            + " gone; taking a new lease");
        }
    }

    private static List<String> endpoints() {
        return Arrays.asList(Rig.get().etcdEndpoints().split(","));
    }

    private static ByteSequence bytes(String text) {
        return ByteSequence.from(text, StandardCharsets.UTF_8);
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
