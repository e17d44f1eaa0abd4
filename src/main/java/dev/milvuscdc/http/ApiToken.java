package dev.milvuscdc.http;

import dev.milvuscdc.config.Secret;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The optional token ({@code apiToken} in the configuration) that callers of {@code /cdc} and
 * {@code /cdc/metrics} send as {@code Authorization: Bearer <token>}. Without one configured, every
 * caller is admitted, as by the reference.
 */
final class ApiToken {

    static final String REFUSED = "missing or wrong API token: send the header Authorization: Bearer <token>"
            + " with the apiToken of the server's configuration";
    private static final String BEARER = "Bearer ";

    private final byte[] expected;

    ApiToken(Secret token) {
        this.expected = token.isEmpty() ? null : token.value().getBytes(StandardCharsets.UTF_8);
    }

    boolean admits(String authorization) {
        if (expected == null) {
            return true;
        }
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] given = authorization.substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        // Compared in constant time, so that the time of a refusal tells nothing of the token.
        return MessageDigest.isEqual(expected, given);
    }
}
