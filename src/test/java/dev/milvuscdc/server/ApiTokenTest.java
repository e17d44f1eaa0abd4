package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.CdcServer;
import dev.milvuscdc.store.InMemoryTaskStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code apiToken}: {@code /cdc} and {@code /cdc/metrics} require it as a bearer token, {@code /health} does not. */
class ApiTokenTest {

    private static final String TOKEN = "t0ken-s3cret";
    private final HttpClient http = HttpClient.newHttpClient();

    private HttpResponse<String> send(CdcServer server, String method, String path, String authorization) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, method.equals("POST")
                        ? HttpRequest.BodyPublishers.ofString("{\"request_type\":\"list\"}") : HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aConfiguredTokenIsRequiredExceptForHealth() throws Exception {
        try (CdcServer server = TestServers.start(TestServers.config(Map.of("CDC_APITOKEN", TOKEN)), new InMemoryTaskStore(),
                new FakeRunners())) {
            for (String[] refused : new String[][] {{"POST", "/cdc", null}, {"POST", "/cdc", "Bearer wrong"},
                    {"POST", "/cdc", TOKEN}, {"GET", "/cdc/metrics", null}, {"GET", "/cdc", null}}) {
                HttpResponse<String> response = send(server, refused[0], refused[1], refused[2]);
                assertThat(response.statusCode()).as(String.join(" ", refused[0], refused[1])).isEqualTo(401);
                assertThat(response.body().strip()).isEqualTo("{\"code\":401,\"message\":\"missing or wrong API token: send the"
                        + " header Authorization: Bearer <token> with the apiToken of the server's configuration\"}");
            }
            HttpResponse<String> listed = send(server, "POST", "/cdc", "Bearer " + TOKEN);
            assertThat(listed.statusCode()).isEqualTo(200);
            assertThat(listed.body().strip()).isEqualTo("{\"code\":200,\"data\":{\"tasks\":[]}}");
            assertThat(send(server, "GET", "/cdc/metrics", "bearer " + TOKEN).body()).contains("milvus_cdc_task_num");
            assertThat(send(server, "GET", "/health", null).statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutATokenEveryCallerIsAdmittedAsByTheReference() throws Exception {
        try (CdcServer server = TestServers.start(TestServers.config(Map.of()), new InMemoryTaskStore(), new FakeRunners())) {
            assertThat(send(server, "POST", "/cdc", null).statusCode()).isEqualTo(200);
            assertThat(send(server, "POST", "/cdc", "Bearer anything").statusCode()).isEqualTo(200);
        }
    }
}
