package dev.milvuscdc.config;

import java.net.URI;

/**
 * The source Pulsar ({@code sourceConfig.pulsar}); a non-empty {@code address} makes it the
 * source's log, as in the reference. The web service ({@code webAddress}, {@code webPort}) is
 * asked which ledgers a topic still holds, so that a position the topic lost is reported, not skipped.
 *
 * @param authPlugin a Pulsar client authentication class, e.g. {@code org.apache.pulsar.client.impl.auth.AuthenticationToken}
 * @param authParams its parameters, {@code token:<jwt>} or {@code k:v,k:v}
 */
public record PulsarConfig(
        String address,
        String webAddress,
        int webPort,
        String tenant,
        String namespace,
        String authPlugin,
        Secret authParams) {

    static PulsarConfig read(ConfigTree tree) {
        String p = "sourceConfig.pulsar.";
        PulsarConfig config = new PulsarConfig(
                tree.string(p + "address", ""),
                tree.string(p + "webAddress", ""),
                tree.integer(p + "webPort", 80),
                tree.string(p + "tenant", "public"),
                tree.string(p + "namespace", "default"),
                tree.string(p + "authPlugin", ""),
                tree.secret(p + "authParams"));
        if (config.isConfigured()) {
            config.validate();
        }
        return config;
    }

    private void validate() {
        if (!address.startsWith("pulsar://") && !address.startsWith("pulsar+ssl://")) {
            throw new ConfigException("sourceConfig.pulsar.address: '" + address
                    + "' is not a Pulsar service URL; write it as pulsar://host:6650 (or pulsar+ssl://host:6651)");
        }
        if (tenant.isBlank() || namespace.isBlank()) {
            throw new ConfigException("sourceConfig.pulsar.tenant and namespace must not be empty (Milvus's defaults are public and default)");
        }
        if (authPlugin.isEmpty() != authParams.isEmpty()) {
            throw new ConfigException("sourceConfig.pulsar.authPlugin and authParams go together: set both"
                    + " (e.g. org.apache.pulsar.client.impl.auth.AuthenticationToken and token:<jwt>) or neither");
        }
        webUrl();
    }

    /** The full name of a channel's topic: Milvus writes each channel to one non-partitioned topic. */
    public String topic(String channel) {
        return "persistent://" + tenant + "/" + namespace + "/" + channel;
    }

    public boolean isConfigured() {
        return !address.isEmpty();
    }

    /**
     * The broker's web service: {@code webAddress} (a host, host:port or URL) with {@code webPort}
     * when it names no port; the service URL's host when {@code webAddress} is empty.
     */
    public String webUrl() {
        String base = webAddress.isEmpty() ? URI.create(address).getHost() : webAddress;
        String url = base.contains("://") ? base : "http://" + base;
        try {
            URI uri = URI.create(url);
            if (uri.getHost() == null) {
                throw new IllegalArgumentException("no host");
            }
            return uri.getPort() < 0 ? url.replaceAll("/+$", "") + ":" + webPort : url.replaceAll("/+$", "");
        } catch (IllegalArgumentException e) {
            throw new ConfigException("sourceConfig.pulsar.webAddress: '" + webAddress
                    + "' is not a host, host:port or http(s) URL of the broker's web service");
        }
    }
}
