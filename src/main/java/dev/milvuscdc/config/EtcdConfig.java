package dev.milvuscdc.config;

import java.util.List;

/** An etcd cluster: the source Milvus's metadata, or the etcd task store. */
public record EtcdConfig(
        List<String> address,
        String rootPath,
        String metaSubPath,
        boolean enableAuth,
        String username,
        Secret password,
        boolean enableTls,
        String tlsCertPath,
        String tlsKeyPath,
        String tlsCaCertPath,
        String tlsMinVersion) {

    static EtcdConfig read(ConfigTree tree, String prefix, String defaultRootPath) {
        return new EtcdConfig(
                tree.list(prefix + ".address", List.of("http://127.0.0.1:2379")),
                tree.string(prefix + ".rootPath", defaultRootPath),
                tree.string(prefix + ".metaSubPath", "meta"),
                tree.bool(prefix + ".enableAuth", false),
                tree.string(prefix + ".username", ""),
                tree.secret(prefix + ".password"),
                tree.bool(prefix + ".enableTLS", false),
                tree.string(prefix + ".tlsCertPath", ""),
                tree.string(prefix + ".tlsKeyPath", ""),
                tree.string(prefix + ".tlsCACertPath", ""),
                tree.string(prefix + ".tlsMinVersion", "1.3"));
    }
}
