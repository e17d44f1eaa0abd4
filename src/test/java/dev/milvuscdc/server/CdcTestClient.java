package dev.milvuscdc.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.milvuscdc.rig.Rig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Talks to a running server over real HTTP, as an operator's script would. */
public final class CdcTestClient {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public CdcTestClient(int port) {
        this("http://127.0.0.1:" + port, null);
    }

    private CdcTestClient(String base, String token) {
        this.base = base;
        this.token = token;
    }

    /** This client, sending the server's {@code apiToken} as a bearer token. */
    public CdcTestClient withToken(String apiToken) {
        return new CdcTestClient(base, apiToken);
    }

    /** One answer: HTTP status, raw body, and the body parsed (null when it is not JSON). */
    public record Reply(int status, String body, JsonNode json) {
        public int code() {
            return json.path("code").asInt();
        }

        public String message() {
            return json.path("message").asText();
        }

        public JsonNode data() {
            return json.path("data");
        }
    }

    public Reply post(String body) {
        return send(HttpRequest.newBuilder(URI.create(base + "/cdc"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    public Reply request(String type, String data) {
        return post("{\"request_type\":\"" + type + "\",\"request_data\":" + data + "}");
    }

    /**
     * Creates a task from the rig's source to its target over every collection of one database, in the
     * write mode the rig's target needs, with more top-level fields ({@code "snapshot":"initial"}) if given;
     * returns its id, throws when refused.
     */
    public String createTaskOver(String database, String... moreFields) {
        StringBuilder data = new StringBuilder("{\"milvus_connect_param\":{\"uri\":\"").append(Rig.get().targetUri())
                .append("\",\"connect_timeout\":10},\"db_collections\":{\"").append(database).append("\":[{\"name\":\"*\"}]}")
                .append(",\"write_mode\":\"").append(Rig.get().writeMode()).append('"');
        for (String field : moreFields) {
            data.append(',').append(field);
        }
        Reply created = request("create", data.append('}').toString());
        if (created.code() != 200) {
            throw new IllegalStateException("create was refused: " + created.body());
        }
        return created.data().path("task_id").asText();
    }

    public Reply method(String method, String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).method(method, HttpRequest.BodyPublishers.noBody()));
    }

    public Reply get(String path) {
        return method("GET", path);
    }

    private Reply send(HttpRequest.Builder request) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode json;
            try {
                json = JSON.readTree(response.body());
            } catch (IOException e) {
                json = null;
            }
            return new Reply(response.statusCode(), response.body(), json);
        } catch (IOException e) {
            throw new IllegalStateException("request to " + base + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
