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
 * One gRPC channel to a Milvus (the target, or the source that initial copies read), with the
 * credential attached to every call. {@link #open}
 * proves, within the connect timeout, that the server answers and accepts the credential.
 * Thread-safe: stubs may be used from several threads.
 */
public final class MilvusConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MilvusConnection.class);
    private static final Metadata.Key<String> AUTHORIZATION = Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<String> DB_NAME = Metadata.Key.of("dbname", Metadata.ASCII_STRING_MARSHALLER);
    private static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;
    private static final int MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

    private final MilvusPeer peer;
    private final MilvusAddress address;
    private final ManagedChannel channel;
    private final MilvusServiceBlockingStub stub;

    private MilvusConnection(MilvusPeer peer, MilvusAddress address, ManagedChannel channel, MilvusServiceBlockingStub stub) {
        this.peer = peer;
        this.address = address;
        this.channel = channel;
        this.stub = stub;
    }

    public static MilvusConnection open(MilvusPeer peer, MilvusConnectParam param) throws MilvusConnectException {
        if (param == null || param.isEmpty()) {
            throw new MilvusConnectException("no " + peer.name() + " given: set " + peer.addressSetting());
        }
        MilvusAddress address = MilvusAddress.parse(peer, param.effectiveUri());
        int timeoutSeconds = param.connectTimeout() > 0 ? param.connectTimeout() : DEFAULT_CONNECT_TIMEOUT_SECONDS;
        ManagedChannel channel = channel(address, param);
        MilvusServiceBlockingStub stub = MilvusServiceGrpc.newBlockingStub(channel)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(credentialHeaders(param.effectiveToken())));
        MilvusConnection connection = new MilvusConnection(peer, address, channel, stub);
        try {
            connection.verify(timeoutSeconds);
            return connection;
        } catch (MilvusConnectException | RuntimeException e) {
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

    private void verify(int timeoutSeconds) throws MilvusConnectException {
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
            throw new MilvusConnectException("the " + peer.name() + " at " + address() + " refused the credentials: "
                    + status.getReason() + " (check " + peer.credentialSetting() + ")", true);
        } else {
            throw new MilvusConnectException("the " + peer.name() + " at " + address() + " answered with an error: "
                    + status.getReason());
        }
    }

    /** A privilege check runs after authentication, so a denial proves the credentials are valid. */
    private void warnMissingPrivilege(String reason) {
        LOG.warn("The {} at {} accepted the credentials but denied listing databases ({});"
                + " replication needs a user with admin privileges", peer.name(), address(), reason);
    }

    private MilvusConnectException transportFailure(StatusRuntimeException e, int timeoutSeconds) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNAUTHENTICATED) {
            return new MilvusConnectException("the " + peer.name() + " at " + address() + " refused the credentials: "
                    + e.getStatus().getDescription() + " (check " + peer.credentialSetting() + ")", true);
        }
        if (TargetErrorClassifier.isTlsFailure(e)) {
            return new MilvusConnectException("the TLS handshake with the " + peer.name() + " at " + address() + " failed: "
                    + TargetErrorClassifier.describe(e) + " (check dial_config: server_name, certificates and keys)");
        }
        return new MilvusConnectException("cannot reach the " + peer.name() + " at " + address() + " within "
                + timeoutSeconds + " s: " + TargetErrorClassifier.describe(e) + " (check " + peer.addressSetting() + ")");
    }

    private static ManagedChannel channel(MilvusAddress address, MilvusConnectParam param) throws MilvusConnectException {
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
