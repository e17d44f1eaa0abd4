package dev.milvuscdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * The CDC server's HTTP API as the CLI uses it: {@code POST /cdc} and {@code GET /cdc/metrics}. The
 * server answers every request with HTTP 200 and the outcome in the body's {@code code}; a code other
 * than 200 becomes a {@link CdcClientException} carrying the server's message unchanged.
 */
final class CdcClient {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(120);

    private final URI base;
    private final String apiToken;
    private final ObjectMapper json;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();

    /** @param apiToken the server's {@code apiToken}, sent as a bearer token; null or empty when it has none */
    CdcClient(URI base, String apiToken, ObjectMapper json) {
        this.base = base;
        this.apiToken = apiToken;
        this.json = json;
    }

    /** The answer's {@code data} (an empty object for {@code pause}, {@code resume}, {@code delete}). */
    JsonNode call(String requestType, ObjectNode requestData) throws CdcClientException {
        ObjectNode body = json.createObjectNode().put("request_type", requestType);
        body.set("request_data", requestData);
        String answer = send(HttpRequest.newBuilder(base.resolve("/cdc"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
        JsonNode reply;
        try {
            reply = json.readTree(answer);
        } catch (IOException e) {
            throw new CdcClientException(0, "the server at " + base + " did not answer with JSON: " + abbreviate(answer));
        }
        int code = reply.path("code").asInt(0);
        if (code != 200) {
            throw new CdcClientException(code, reply.path("message").asText("no message"));
        }
        return reply.has("data") ? reply.get("data") : json.createObjectNode();
    }

    /** The server's metrics in Prometheus's text format. */
    String metrics() throws CdcClientException {
        return send(HttpRequest.newBuilder(base.resolve("/cdc/metrics")).GET());
    }

    private String send(HttpRequest.Builder request) throws CdcClientException {
        if (apiToken != null && !apiToken.isEmpty()) {
            request.header("Authorization", "Bearer " + apiToken);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(REQUEST_TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw unreachable("connection refused");
        } catch (HttpTimeoutException e) {
            throw unreachable("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
        } catch (IOException e) {
            throw unreachable(e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CdcClientException(0, "interrupted");
        }
        if (response.statusCode() == 401) {
            throw new CdcClientException(401, "the server at " + base + " requires an API token: set CDC_APITOKEN"
                    + " to the apiToken of its configuration");
        }
        if (response.statusCode() != 200) {
            throw new CdcClientException(0, "the server at " + base + " answered HTTP " + response.statusCode()
                    + ": " + abbreviate(response.body()));
        }
        return response.body();
    }

    private CdcClientException unreachable(String why) {
        return new CdcClientException(0, "cannot reach the CDC server at " + base + ": " + why
                + " (start it with scripts/run, or name another with --url or CDC_SERVER_URL)");
    }

    private static String abbreviate(String text) {
        String line = text.strip().replace('\n', ' ');
        return line.length() <= 200 ? line : line.substring(0, 200) + "...";
    }
}
