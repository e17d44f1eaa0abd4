package dev.milvuscdc.config;

/** A source Pulsar; read so that reference configs load, not used for replication yet. */
public record PulsarConfig(
        String address,
        String webAddress,
        int webPort,
        int maxMessageSize,
        String tenant,
        String namespace,
        String authPlugin,
        Secret authParams) {

    static PulsarConfig read(ConfigTree tree) {
        String p = "sourceConfig.pulsar.";
        return new PulsarConfig(
                tree.string(p + "address", ""),
                tree.string(p + "webAddress", ""),
                tree.integer(p + "webPort", 80),
                tree.integer(p + "maxMessageSize", 5242880),
                tree.string(p + "tenant", "public"),
                tree.string(p + "namespace", "default"),
                tree.string(p + "authPlugin", ""),
                tree.secret(p + "authParams"));
    }

    public boolean isConfigured() {
        return !address.isEmpty();
    }
}
