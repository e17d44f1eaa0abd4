package dev.milvuscdc.sink;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a Milvus listens, parsed from a connect URI such as {@code http://h:19530} or
 * {@code https://h:443}. User info in the URI is ignored, so {@link #display()} can be logged.
 */
record MilvusAddress(String host, int port, boolean tls) {

    private static final int DEFAULT_PORT = 19530;

    static MilvusAddress parse(MilvusPeer peer, String uri) throws MilvusConnectException {
        if (uri == null || uri.isBlank()) {
            throw new MilvusConnectException("the " + peer.name() + " address is empty: set " + peer.addressSetting());
        }
        String text = uri.contains("://") ? uri.trim() : "http://" + uri.trim();
        try {
            URI parsed = new URI(text);
            String scheme = parsed.getScheme().toLowerCase();
            boolean tls = switch (scheme) {
                case "https" -> true;
                case "http", "tcp", "grpc" -> false;
                default -> throw new MilvusConnectException("unsupported scheme '" + scheme
                        + "' in the " + peer.name() + " address (" + peer.addressSetting() + "): use http:// or https://");
            };
            if (parsed.getHost() == null || parsed.getHost().isEmpty()) {
                throw new MilvusConnectException("the " + peer.name() + " address has no host (" + peer.addressSetting()
                        + "): expected http(s)://host:port");
            }
            if (parsed.getPort() > 65_535) {
                throw new MilvusConnectException("the " + peer.name() + " port " + parsed.getPort() + " is out of range (1-65535) in "
                        + peer.addressSetting());
            }
            return new MilvusAddress(parsed.getHost(), parsed.getPort() > 0 ? parsed.getPort() : DEFAULT_PORT, tls);
        } catch (URISyntaxException e) {
            throw new MilvusConnectException("the " + peer.name() + " address is not a valid URI (" + peer.addressSetting()
                    + "): expected http(s)://host:port");
        }
    }

    String display() {
        return (tls ? "https://" : "http://") + host + ":" + port;
    }
}
