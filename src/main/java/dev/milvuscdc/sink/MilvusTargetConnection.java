package dev.milvuscdc.sink;

import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import io.milvus.grpc.ListDatabasesRequest;
import io.milvus.grpc.ListDatabasesResponse;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.shaded.io.grpc.ManagedChannel;
import io.milvus.shaded.io.grpc.Metadata;
import io.milvus.shaded.io.grpc.Status;
import io.milvus.shaded.io.grpc.StatusRuntimeException;
import io.milvus.shaded.io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.milvus.shaded.io.grpc.stub.MetadataUtils;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC channel to the target Milvus, with the credential attached to every call. {@link #open}
 * proves, within the connect timeout, that the server answers and accepts the credential.
 * Thread-safe: stubs may be used from several threads.
 */
public final class MilvusTargetConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MilvusTargetConnection.class);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> DB_NAME = Metadata.Key.of("dbname", Metadata.ASCII_STRING_MARSHALLER);
    private static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
    private static final int MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

    private final TargetAddress address;
    private final ManagedChannel channel;
    private final MilvusServiceBlockingStub stub;

    private MilvusTargetConnection(TargetAddress address, ManagedChannel channel, MilvusServiceBlockingStub stub) {
        this.address = address;
        this.channel = channel;
        this.stub = stub;
    }

    public static MilvusTargetConnection open(MilvusConnectParam param) throws TargetConnectException {
        if (param == null || param.isEmpty()) {
            throw new TargetConnectException("no target Milvus given: set milvus_connect_param.uri (or host and port)");
        }
        TargetAddress address = TargetAddress.parse(param.effectiveUri());
        int timeoutSeconds = param.connectTimeout() > 0 ? param.connectTimeout() : DEFAULT_CONNECT_TIMEOUT_SECONDS;
        ManagedChannel channel = channel(address, param);
        MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(credentialHeaders(param.effectiveToken())));
        MilvusTargetConnection connection = new MilvusTargetConnection(address, channel, stub);
        try {
            connection.verify(timeoutSeconds);
            return connection;
        } catch (TargetConnectException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    /** The stub with the credential attached; callers add their own deadline per call. */
    public MilvusServiceBlockingStub stub() {
        return stub;
    }

    /** The stub that also names {@code db} in the {@code dbname} header, which Milvus reads for calls without a db field. */
    public MilvusServiceBlockingStub stub(String db) {
        Metadata headers = new Metadata();
        headers.put(DB_NAME, db);
        return stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
    }

    /** The address without credentials, fit for logs and messages. */
    public String address() {
        return address.display();
    }

    @Override
    public void close() {
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void verify(int timeoutSeconds) throws TargetConnectException {
        ListDatabasesResponse response;
        try {
            response = stub.withDeadlineAfter(timeoutSeconds, TimeUnit.SECONDS)
                    .listDatabases(ListDatabasesRequest.getDefaultInstance());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.PERMISSION_DENIED) {
                warnMissingPrivilege(e.getStatus().getDescription());
                return;
            }
            throw transportFailure(e, timeoutSeconds);
        }
        io.milvus.grpc.Status status = response.getStatus();
        if (TargetErrorClassifier.isSuccess(status)) {
            return;
        }
        if (TargetErrorClassifier.isPermissionDenied(status)) {
            warnMissingPrivilege(status.getReason());
        } else if (TargetErrorClassifier.isAuthFailure(status)) {
            throw new TargetConnectException("the target Milvus at " + address() + " refused the credentials: "
                    + status.getReason() + " (check milvus_connect_param token or username/password)", true);
        } else {
            throw new TargetConnectException("the target Milvus at " + address() + " answered with an error: "
                    + status.getReason());
        }
    }

    /** A privilege check runs after authentication, so a denial proves the credentials are valid. */
    private void warnMissingPrivilege(String reason) {
        LOG.warn("The target Milvus at {} accepted the credentials but denied listing databases ({});"
                + " replication needs a user with admin privileges", address(), reason);
    }

    private TargetConnectException transportFailure(StatusRuntimeException e, int timeoutSeconds) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNAUTHENTICATED) {
            return new TargetConnectException("the target Milvus at " + address() + " refused the credentials: "
                    + e.getStatus().getDescription() + " (check milvus_connect_param token or username/password)", true);
        }
        if (TargetErrorClassifier.isTlsFailure(e)) {
            return new TargetConnectException("the TLS handshake with the target Milvus at " + address() + " failed: "
                    + TargetErrorClassifier.describe(e) + " (check dial_config: server_name, certificates and keys)");
        }
        return new TargetConnectException("cannot reach the target Milvus at " + address() + " within "
                + timeoutSeconds + " s: " + TargetErrorClassifier.describe(e));
    }

    private static ManagedChannel channel(TargetAddress address, MilvusConnectParam param) throws TargetConnectException {
        NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.host(), address.port())
                .maxInboundMessageSize(MAX_MESSAGE_BYTES);
        if (address.tls() || TargetTls.requested(param.dialConfig())) {
            builder.sslContext(TargetTls.context(param.dialConfig()));
            String serverName = TargetTls.serverName(param.dialConfig());
            if (serverName != null) {
                builder.overrideAuthority(serverName);
            }
        } else {
            builder.usePlaintext();
        }
        return builder.build();
    }

    private static Metadata credentialHeaders(String token) {
        Metadata headers = new Metadata();
        if (token != null && !token.isEmpty()) {
            headers.put(AUTHORIZATION, Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)));
        }
        return headers;
    }
}
