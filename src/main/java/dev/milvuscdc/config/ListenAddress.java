package dev.milvuscdc.config;

/** The HTTP listen address, {@code host:port}; an empty host means every interface. */
public record ListenAddress(String host, int port) {

    static ListenAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            throw new ConfigException("address: '" + text + "' is not host:port (example: 0.0.0.0:8444)");
        }
        String host = text.substring(0, colon).trim();
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1).trim());
        } catch (NumberFormatException e) {
            port = -1;
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException("address: '" + text + "' has no valid port (0-65535; example: 0.0.0.0:8444)");
        }
        return new ListenAddress(host.isEmpty() ? "0.0.0.0" : host, port);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
