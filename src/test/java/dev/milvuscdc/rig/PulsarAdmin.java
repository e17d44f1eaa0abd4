package dev.milvuscdc.rig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/**
 * The rig's Pulsar through its admin REST API, in the tenant and namespace the source Milvus writes
 * to ({@code RIG_PULSAR_TENANT}/{@code RIG_PULSAR_NAMESPACE}): what the tests ask of the broker
 * besides reading and writing (topic lists and stats, unloading, truncating, deleting, granting a role
 * access to the namespace). It sends the
 * rig's token, and a call the broker refuses fails the test with the broker's answer.
 */
public final class PulsarAdmin {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Rig rig;
    private final HttpClient http = HttpClient.newHttpClient();

    public PulsarAdmin(Rig rig) {
        this.rig = rig;
    }

    /** The full name of the channel's topic. */
    public String topic(String channel) {
        return "persistent://" + namespace() + "/" + channel;
    }

    /** {@code tenant/namespace}. */
    public String namespace() {
        return rig.pulsarTenant() + "/" + rig.pulsarNamespace();
    }

    /** GET of a path under {@code /admin/v2/persistent/<tenant>/<namespace>} ("" for the namespace's topics). */
    public JsonNode get(String path) throws IOException, InterruptedException {
        return get(namespace(), path);
    }

    /** GET of a path under {@code /admin/v2/persistent/<namespace>}, another {@code tenant/namespace} than the source's. */
    public JsonNode get(String namespace, String path) throws IOException, InterruptedException {
        return JSON.readTree(send("GET", namespace, path));
    }

    /** Any method on a path under {@code /admin/v2/persistent/<tenant>/<namespace>}, without a body. */
    public String send(String method, String path) throws IOException, InterruptedException {
        return send(method, namespace(), path);
    }

    /** Grants {@code role} the actions ({@code consume}, {@code produce}) on the source's namespace. */
    public void grant(String role, String... actions) throws IOException, InterruptedException {
        call("POST", "/admin/v2/namespaces/" + namespace() + "/permissions/" + role,
                HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(actions)));
    }

    /** Takes back every grant of {@code role} on the source's namespace. */
    public void revoke(String role) throws IOException, InterruptedException {
        call("DELETE", "/admin/v2/namespaces/" + namespace() + "/permissions/" + role, HttpRequest.BodyPublishers.noBody());
    }

    private String send(String method, String namespace, String path) throws IOException, InterruptedException {
        return call(method, "/admin/v2/persistent/" + namespace + path, HttpRequest.BodyPublishers.noBody());
    }

    private String call(String method, String path, HttpRequest.BodyPublisher body) throws IOException, InterruptedException {
        URI uri = URI.create(rig.pulsarWebUrl() + path);
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).method(method, body)
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + rig.pulsarToken()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + uri + ": " + response.body()).isBetween(200, 299);
        return response.body();
    }
}
