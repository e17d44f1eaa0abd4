package dev.milvuscdc.source.meta;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Where the source Milvus keeps its metadata: etcd endpoints, credentials and the
 * {@code etcd.rootPath}/{@code etcd.metaSubPath} of the source's own configuration.
 */
public record SourceEtcd(List<String> endpoints, String username, String password, String rootPath, String metaSubPath) {

    /** The prefix of rootcoord's records: {@code by-dev/meta/root-coord/} by default. */
    public String rootCoordPrefix() {
        return rootPath + "/" + metaSubPath + "/root-coord/";
    }

    Client connect() {
        ClientBuilder builder = Client.builder().endpoints(endpoints.toArray(String[]::new));
        if (username != null && !username.isEmpty()) {
            builder.user(ByteSequence.from(username, StandardCharsets.UTF_8))
                    .password(ByteSequence.from(password == null ? "" : password, StandardCharsets.UTF_8));
        }
        return builder.build();
    }

    @Override
    public String toString() {
        return "SourceEtcd[endpoints=" + endpoints + ", rootPath=" + rootPath + ", metaSubPath=" + metaSubPath + "]";
    }
}
