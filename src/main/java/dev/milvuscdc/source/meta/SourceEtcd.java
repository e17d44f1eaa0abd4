package dev.milvuscdc.source.meta;

import dev.milvuscdc.config.EtcdTls;
import dev.milvuscdc.config.SourceConfig;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.net.ssl.SSLException;

/**
 * Where the source Milvus keeps its metadata: etcd endpoints, credentials, TLS, and the
 * {@code etcd.rootPath}/{@code etcd.metaSubPath} of the source's own configuration.
 *
 * @param username empty when etcd is used without authentication
 */
public record SourceEtcd(List<String> endpoints, String username, String password, String rootPath, String metaSubPath,
                         EtcdTls tls) {

    /** Without TLS. */
    public SourceEtcd(List<String> endpoints, String username, String password, String rootPath, String metaSubPath) {
        this(endpoints, username, password, rootPath, metaSubPath, EtcdTls.OFF);
    }

    /** As {@code sourceConfig} says: credentials only with {@code enableAuth}, TLS only with {@code enableTLS}. */
    public static SourceEtcd of(SourceConfig source) {
        return new SourceEtcd(source.etcd().address(), source.etcd().loginUsername(), source.etcd().loginPassword(),
                source.etcdRootPath(), source.etcdMetaSubPath(), source.etcd().tls());
    }

    /** The prefix of rootcoord's records: {@code by-dev/meta/root-coord/} by default. */
    public String rootCoordPrefix() {
        return rootPath + "/" + metaSubPath + "/root-coord/";
    }

    /** A new client; the caller closes it. */
    public Client connect() {
        // No pings while no call is open: etcd answers pings on an idle connection with GOAWAY
        // (too_many_pings) and gRPC logs it; a call finds a dead connection by its own deadline.
        ClientBuilder builder = Client.builder().endpoints(endpoints.toArray(String[]::new))
                .keepaliveWithoutCalls(false);
        if (username != null && !username.isEmpty()) {
            builder.user(ByteSequence.from(username, StandardCharsets.UTF_8))
                    .password(ByteSequence.from(password == null ? "" : password, StandardCharsets.UTF_8));
        }
        if (tls.enabled()) {
            try {
                builder.sslContext(tls.clientContext());
            } catch (SSLException e) {
                throw new IllegalStateException("the TLS files of sourceConfig.etcd cannot be used: " + e.getMessage(), e);
            }
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return "SourceEtcd[endpoints=" + endpoints + ", rootPath=" + rootPath + ", metaSubPath=" + metaSubPath
                + ", tls=" + tls.enabled() + "]";
    }
}
