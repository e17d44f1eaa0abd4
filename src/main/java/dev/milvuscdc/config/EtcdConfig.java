package dev.milvuscdc.config;

import java.util.List;

/**
 * How to reach an etcd cluster: the source Milvus's metadata, or the etcd task store. Addresses
 * without a scheme (as the reference 1.x wrote them, {@code localhost:2379}) get {@code http://},
 * or {@code https://} when TLS is enabled.
 *
 * @param enableAuth whether {@code username} and {@code password} are sent: as in the reference, a
 *                   file may hold credentials that are used only once this is true
 */
public record EtcdConfig(List<String> address, boolean enableAuth, String username, Secret password, EtcdTls tls) {

    /** The user to log in as, empty unless {@code enableAuth}. */
    public String loginUsername() {
        return enableAuth ? username : "";
    }

    /** The password to log in with, empty unless {@code enableAuth}. */
    public String loginPassword() {
        return enableAuth ? password.value() : "";
    }

    static EtcdConfig read(ConfigTree tree, String prefix) {
        boolean enableAuth = tree.bool(prefix + ".enableAuth", false);
        String username = tree.string(prefix + ".username", "");
        if (enableAuth && username.isBlank()) {
            throw new ConfigException(prefix + ".username: required when " + prefix + ".enableAuth is true");
        }
        EtcdTls tls = EtcdTls.read(tree, prefix);
        List<String> address = tree.list(prefix + ".address", List.of("http://127.0.0.1:2379")).stream()
                .map(a -> a.contains("://") ? a : (tls.enabled() ? "https://" : "http://") + a).toList();
        return new EtcdConfig(address, enableAuth, username, tree.secret(prefix + ".password"), tls);
    }
}
