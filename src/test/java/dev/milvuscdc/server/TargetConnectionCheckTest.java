package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.CdcServer;
import dev.milvuscdc.control.MilvusTargetProbe;
import dev.milvuscdc.server.CdcTestClient.Reply;
import dev.milvuscdc.store.InMemoryTaskStore;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The real connection check (milvus-sdk-java gRPC) against a target that is not there. */
class TargetConnectionCheckTest {

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void aTargetThatAcceptsButNeverAnswersFailsAtTheConnectTimeout() throws IOException {
        InMemoryTaskStore store = new InMemoryTaskStore();
        CdcServer.Outside outside = new CdcServer.Outside(store, new FakeRunners(), new MilvusTargetProbe(),
                () -> TestServers.SOURCE_UP);
        try (ServerSocket silent = new ServerSocket(0);
             CdcServer server = CdcServer.start(TestServers.config(Map.of()), outside)) {
            CdcTestClient client = new CdcTestClient(server.port());
            long started = System.nanoTime();

            Reply reply = client.request("create", "{\"milvus_connect_param\":{\"uri\":\"http://127.0.0.1:"
                    + silent.getLocalPort() + "\",\"connect_timeout\":2},\"collection_infos\":[{\"name\":\"c\"}]}");

            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(reply.code()).as(reply.body()).isEqualTo(500);
            assertThat(reply.message()).startsWith("fail to handle the create request, error: fail to connect the milvus: ");
            // It waited for the timeout, and then gave up instead of hanging: the upper bound leaves a
            // loaded 2-core machine room (3.8 s was measured under load), since this is no speed test.
            assertThat(millis).isBetween(1_500L, 2_000L + 10_000L);
            assertThat(store.list()).isEmpty();
        }
    }

    @Test
    void createFailsWithinTheConnectTimeoutAndNamesNoSecret() throws IOException {
        InMemoryTaskStore store = new InMemoryTaskStore();
        CdcServer.Outside outside = new CdcServer.Outside(store, new FakeRunners(), new MilvusTargetProbe(),
                () -> TestServers.SOURCE_UP);
        try (CdcServer server = CdcServer.start(TestServers.config(Map.of()), outside)) {
            CdcTestClient client = new CdcTestClient(server.port());
            String secret = "Pa55-w0rd-never-shown";
            long started = System.nanoTime();

            Reply reply = client.request("create", "{\"milvus_connect_param\":{\"uri\":\"http://127.0.0.1:" + closedPort()
                    + "\",\"token\":\"root:" + secret + "\",\"connect_timeout\":2},\"collection_infos\":[{\"name\":\"c\"}]}");

            long millis = (System.nanoTime() - started) / 1_000_000;
            assertThat(reply.code()).as(reply.body()).isEqualTo(500);
            assertThat(reply.message()).startsWith("fail to handle the create request, error: fail to connect the milvus: ")
                    .doesNotContain(secret);
            assertThat(millis).as("gives up, bounded by the connect timeout").isLessThan(2_000 + 10_000);
            assertThat(store.list()).isEmpty();
        }
    }
}
