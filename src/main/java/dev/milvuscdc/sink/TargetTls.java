package dev.milvuscdc.sink;

import dev.milvuscdc.task.TaskSpec.DialConfig;
import io.milvus.shaded.io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.milvus.shaded.io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.milvus.shaded.io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.io.File;
import javax.net.ssl.SSLException;

/**
 * Builds the client TLS context from {@code dial_config}: no paths = the JVM's trusted roots,
 * {@code server_pem_path} = one-way TLS trusting that certificate, {@code ca_pem_path} with
 * {@code client_pem_path} and {@code client_key_path} = mutual TLS.
 */
final class TargetTls {

    private TargetTls() {
    }

    static boolean requested(DialConfig dial) {
        return dial != null && (present(dial.serverPemPath()) || present(dial.caPemPath()));
    }

    static SslContext context(DialConfig dial) throws MilvusConnectException {
        SslContextBuilder builder = GrpcSslContexts.forClient();
        if (dial != null && present(dial.caPemPath())) {
            builder.trustManager(readable(dial.caPemPath(), "ca_pem_path"));
            if (!present(dial.clientPemPath()) || !present(dial.clientKeyPath())) {
                throw new MilvusConnectException("dial_config.ca_pem_path is set for mutual TLS, so client_pem_path and"
                        + " client_key_path are required too");
            }
            builder.keyManager(readable(dial.clientPemPath(), "client_pem_path"),
                    readable(dial.clientKeyPath(), "client_key_path"));
        } else if (dial != null && present(dial.serverPemPath())) {
            builder.trustManager(readable(dial.serverPemPath(), "server_pem_path"));
        }
        try {
            return builder.build();
        } catch (SSLException | IllegalArgumentException e) {
            throw new MilvusConnectException("the TLS files in dial_config cannot be used: " + e.getMessage());
        }
    }

    static String serverName(DialConfig dial) {
        return dial != null && present(dial.serverName()) ? dial.serverName() : null;
    }

    private static File readable(String path, String key) throws MilvusConnectException {
        File file = new File(path);
        if (!file.canRead()) {
            throw new MilvusConnectException("dial_config." + key + " names a file that cannot be read: " + path);
        }
        return file;
    }

    private static boolean present(String value) {
        return value != null && !value.isBlank();
    }
}
