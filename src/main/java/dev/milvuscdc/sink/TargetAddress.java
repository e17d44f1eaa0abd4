package dev.milvuscdc.sink;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where the target Milvus listens, parsed from a connect URI such as {@code http://h:19530} or
 * {@code https://h:443}. User info in the URI is ignored, so {@link #display()} can be logged.
 */
record TargetAddress(String host, int port, boolean tls) {

    private static final int DEFAULT_PORT = 19530;

    static TargetAddress parse(String uri) throws TargetConnectException {
        if (uri == null || uri.isBlank()) {
            throw new TargetConnectException("the target Milvus address is empty: set milvus_connect_param.uri or host and port");
        }
        String text = uri.contains("://") ? uri.trim() : "http://" + uri.trim();
        try {
            URI parsed = new URI(text);
            String scheme = parsed.getScheme().toLowerCase();
            boolean tls = switch (scheme) {
                case "https" -> true;
                case "http", "tcp", "grpc" -> false;
                default -> throw new TargetConnectException("unsupported scheme '" + scheme
                        + "' in the target Milvus address: use http:// or https://");
            };
            if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
                throw new TargetConnectException("the target Milvus address has no host: expected http(s)://host:port");
            }
            if (parsed.getPort() > 65_535) {
                throw new TargetConnectException("the target Milvus port " + parsed.getPort() + " is out of range (1-65535)");
            }
            return new TargetAddress(parsed.getHost(), parsed.getPort() > 0 ? parsed.getPort() : DEFAULT_PORT, tls);
        } catch (URISyntaxException e) {
            throw new TargetConnectException("the target Milvus address is not a valid URI: expected http(s)://host:port");
        }
    }

    String display() {
        return (tls ? "https://" : "http://") + host + ":" + port;
    }
}
