package dev.milvuscdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import io.milvus.grpc.ShowCollectionsRequest;
import io.milvus.grpc.ShowCollectionsResponse;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class MilvusConnectionIT {

    @Test
    void opensAndServesCallsOnTheRigTarget() throws Exception {
        try (MilvusConnection connection = MilvusConnection.open(MilvusPeer.TARGET, param(Rig.get().targetUri(), "root:Milvus", 5))) {
            ShowCollectionsResponse response = connection.stub().showCollections(ShowCollectionsRequest.getDefaultInstance());
            assertThat(TargetErrorClassifier.isSuccess(response.getStatus())).isTrue();
            assertThat(connection.address()).isEqualTo(Rig.get().targetUri());
        }
    }

    @Test
    void closedPortFailsWithinTheTimeoutWithoutTheSecret() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> MilvusConnection.open(MilvusPeer.TARGET, param("http://127.0.0.1:" + closedPort, "root:s3cr3t-pass", 2)))
                .isInstanceOf(MilvusConnectException.class)
                .hasMessage("cannot reach the target Milvus at http://127.0.0.1:" + closedPort + " within 2 s: connection refused"
                        + " (check milvus_connect_param.uri, or host and port)")
                .satisfies(e -> assertThat(e.toString()).doesNotContain("s3cr3t"));
        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_500);
    }

    @Test
    void silentServerFailsAtTheTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> MilvusConnection.open(MilvusPeer.TARGET, param("http://127.0.0.1:" + silent.getLocalPort(), "", 1)))
                    .isInstanceOf(MilvusConnectException.class)
                    .hasMessageStartingWith("cannot reach the target Milvus at http://127.0.0.1:" + silent.getLocalPort() + " within 1 s");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(millis).isBetween(900L, 2_000L);
        }
    }

    @Test
    void unreadableTlsFileIsReportedByKey() {
        MilvusConnectParam param = new MilvusConnectParam("https://127.0.0.1:1", null, null, 0, null, null, false,
                new dev.milvuscdc.task.TaskSpec.DialConfig(null, "/nonexistent/server.pem", null, null, null), 0, false, 1);
        assertThatThrownBy(() -> MilvusConnection.open(MilvusPeer.TARGET, param))
                .isInstanceOf(MilvusConnectException.class)
                .hasMessageContaining("dial_config.server_pem_path");
    }

    static MilvusConnectParam param(String uri, String token, int timeoutSeconds) {
        return new MilvusConnectParam(uri, token, null, 0, null, null, false, null, 0, false, timeoutSeconds);
    }
}
