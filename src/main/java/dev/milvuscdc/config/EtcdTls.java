package dev.milvuscdc.config;

import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * TLS to an etcd: {@code enableTLS} and the {@code tls*} keys of its section. The files are PEM on
 * this host: the CA that signed etcd's certificate (empty: the JVM's trusted CAs) and, when etcd
 * asks for a client certificate, the certificate with its key in PKCS#8 form.
 *
 * @param minVersion the oldest TLS version offered: {@code 1.0} to {@code 1.3}
 */
public record EtcdTls(boolean enabled, String certPath, String keyPath, String caCertPath, String minVersion) {

    public static final EtcdTls OFF = new EtcdTls(false, "", "", "", "1.3");
    private static final List<String> VERSIONS = List.of("1.0", "1.1", "1.2", "1.3");

    /** The protocols offered, from {@code minVersion} up. */
    public String[] protocols() {
        return VERSIONS.subList(VERSIONS.indexOf(minVersion), VERSIONS.size()).stream()
                .map(version -> "TLSv" + version).toArray(String[]::new);
    }

    /**
     * A client TLS context for etcd's gRPC, built anew from the files.
     *
     * @throws SSLException when a file is not a PEM certificate or key of the expected form
     */
    public SslContext clientContext() throws SSLException {
        SslContextBuilder builder = GrpcSslContexts.forClient().protocols(protocols());
        if (!caCertPath.isEmpty()) {
            builder.trustManager(new File(caCertPath));
        }
        if (!certPath.isEmpty()) {
            builder.keyManager(new File(certPath), new File(keyPath));
        }
        return builder.build();
    }

    /** Reads and checks the keys under {@code prefix}; the files are only checked when TLS is enabled. */
    static EtcdTls read(ConfigTree tree, String prefix) {
        EtcdTls tls = new EtcdTls(
                tree.bool(prefix + ".enableTLS", false),
                tree.string(prefix + ".tlsCertPath", "").trim(),
                tree.string(prefix + ".tlsKeyPath", "").trim(),
                tree.string(prefix + ".tlsCACertPath", "").trim(),
                tree.string(prefix + ".tlsMinVersion", "1.3").trim());
        if (!VERSIONS.contains(tls.minVersion)) {
            throw new ConfigException(prefix + ".tlsMinVersion: '" + tls.minVersion + "' is not one of " + VERSIONS);
        }
        if (!tls.enabled) {
            return tls;
        }
        if (tls.certPath.isEmpty() != tls.keyPath.isEmpty()) {
            throw new ConfigException(prefix + ".tlsCertPath and " + prefix + ".tlsKeyPath: give both (client "
                    + "certificate authentication) or neither");
        }
        requireReadable(prefix + ".tlsCACertPath", tls.caCertPath);
        requireReadable(prefix + ".tlsCertPath", tls.certPath);
        requireReadable(prefix + ".tlsKeyPath", tls.keyPath);
        try {
            tls.clientContext();
        } catch (SSLException | IllegalArgumentException e) {
            throw new ConfigException(prefix + ".tlsCACertPath, .tlsCertPath, .tlsKeyPath: cannot be used for TLS ("
                    + rootMessage(e) + "); they must be PEM files, the key in PKCS#8 form "
                    + "(convert with: openssl pkcs8 -topk8 -nocrypt -in key.pem -out key.pk8.pem)");
        }
        return tls;
    }

    private static void requireReadable(String key, String path) {
        if (!path.isEmpty() && !Files.isReadable(Path.of(path))) {
            throw new ConfigException(key + ": '" + path + "' is not a readable file");
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
