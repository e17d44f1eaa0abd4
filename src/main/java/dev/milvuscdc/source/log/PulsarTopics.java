package dev.milvuscdc.source.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.milvuscdc.config.PulsarConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.pulsar.client.api.Authentication;

/**
 * What the broker's web service says about a topic's storage, without creating it: whether it
 * exists and the ledgers it still holds. Both guard against a reader quietly reading nothing: a
 * reader of a topic that does not exist creates it empty (the broker's auto-creation, on by default),
 * which is what a wrong tenant or namespace looks like from the client; and a reader started after a
 * position whose ledger is gone silently begins at the oldest message left, so the channel reader
 * asks here before it trusts a jump to another ledger.
 */
final class PulsarTopics {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final PulsarConfig config;
    /** Follows redirects: in a cluster of brokers, one that does not own the topic redirects to the one that does. */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    PulsarTopics(PulsarConfig config) {
        this.config = config;
    }

    /**
     * Fails, for good, when the channel's topic does not exist: Milvus creates its channels' topics
     * when it starts and writes every collection's first message into them, so a missing one means
     * the CDC looks in another tenant or namespace than the source Milvus writes to.
     */
    void requireTopic(String channel) throws InterruptedException {
        ledgers(channel);
    }

    /** The ids of the ledgers the topic holds, oldest first (the one being written last). */
    List<Long> ledgers(String channel) throws InterruptedException {
        String url = config.webUrl() + "/admin/v2/persistent/" + config.tenant() + "/" + config.namespace() + "/"
                + channel + "/internalStats";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET();
        authHeaders().forEach(request::header);
        HttpResponse<String> response;
        JsonNode stats;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            stats = response.statusCode() == 200 ? JSON.readTree(response.body()) : null;
        } catch (IOException e) {
            throw unanswered(channel, e + "; check sourceConfig.pulsar.webAddress and webPort", e, true);
        }
        if (stats == null) {
            throw refusal(channel, response.statusCode(), reason(response.body()));
        }
        List<Long> ledgers = new ArrayList<>();
        for (JsonNode ledger : stats.path("ledgers")) {
            ledgers.add(ledger.path("ledgerId").asLong());
        }
        return ledgers;
    }

    /** What an answer other than 200 means for the task, with what to fix. */
    private PulsarLogException refusal(String channel, int status, String reason) {
        if (status == 404) {
            return new PulsarLogException("Pulsar holds no topic " + config.topic(channel) + " (" + reason
                    + "): the source Milvus writes its channels elsewhere; set sourceConfig.pulsar.tenant and namespace"
                    + " to the source Milvus's pulsar.tenant and pulsar.namespace, then resume the task", null, false);
        }
        if (deniesAccess(status, reason)) {
            return unanswered(channel, "it denied access (HTTP " + status + ": " + reason + "); " + PulsarFailures.GRANT_HINT,
                    null, false);
        }
        if (status == 401) {
            return unanswered(channel, "it refused the credentials (HTTP 401); check sourceConfig.pulsar.authPlugin and"
                    + " authParams, then resume the task", null, false);
        }
        return unanswered(channel, "HTTP " + status + " (" + reason + "); check sourceConfig.pulsar.webAddress and"
                + " webPort, and that the broker is up", null, passes(status));
    }

    private PulsarLogException unanswered(String channel, String detail, Throwable cause, boolean retriable) {
        return new PulsarLogException("cannot ask Pulsar's web service " + config.webUrl() + " which ledgers channel "
                + channel + " holds: " + detail, cause, retriable);
    }

    /**
     * Whether an answer other than 200, 401 or 404 may change by itself. Only a request the web
     * service calls malformed cannot; the rest are a broker's passing states, such as HTTP 412
     * "pulsar service is not ready" for seconds after a broker starts (seen in a fault schedule,
     * where taking it for final paused the task until an operator resumed it).
     */
    static boolean passes(int status) {
        return status != 400;
    }

    /**
     * Whether the broker refused the role rather than its credentials. Pulsar's web service answers
     * both with HTTP 401 (measured on Pulsar 4.2.4: "Unauthorized to validateTopicOperation for
     * operation [GET_STATS] ..." for a role without a grant), so the reason tells them apart.
     */
    static boolean deniesAccess(int status, String reason) {
        String lower = reason.toLowerCase(Locale.ROOT);
        return status == 403 || status == 401 && (lower.startsWith("unauthorized to") || lower.contains("permission"));
    }

    /** The broker's {@code reason} field, or the body itself when it is not the usual JSON. */
    private static String reason(String body) {
        try {
            return JSON.readTree(body).path("reason").asText(body);
        } catch (IOException e) {
            return body;
        }
    }

    private Map<String, String> authHeaders() {
        if (config.authPlugin().isEmpty()) {
            return Map.of();
        }
        try (Authentication auth = PulsarSource.authentication(config)) {
            Map<String, String> headers = new HashMap<>();
            if (auth.getAuthData().hasDataForHttp()) {
                auth.getAuthData().getHttpHeaders().forEach(h -> headers.put(h.getKey(), h.getValue()));
            }
            return headers;
        } catch (Exception e) {
            throw new PulsarLogException("cannot build the HTTP credentials of sourceConfig.pulsar.authPlugin "
                    + config.authPlugin() + ": " + e.getMessage(), e, false);
        }
    }
}
