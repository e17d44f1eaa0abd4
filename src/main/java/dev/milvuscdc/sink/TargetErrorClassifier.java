package dev.milvuscdc.sink;

import io.milvus.grpc.ErrorCode;
import io.milvus.grpc.Status;
import io.milvus.shaded.io.grpc.Status.Code;
import io.milvus.shaded.io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * The one place that decides whether a target failure is worth retrying. Transport failures and an
 * overloaded, starting or not-yet-loaded target are retriable; rejected credentials, invalid
 * requests and conflicts are permanent. Pure logic, stateless.
 */
public final class TargetErrorClassifier {

    static final String RETRY_HINT = "The task retries with backoff; check that the target Milvus is up and not overloaded";
    static final String AUTH_HINT = "Check the target credentials (milvus_connect_param token or username/password) and"
            + " the user's privileges, then resume the task";
    static final String REJECTED_HINT = "The target Milvus rejected the request; check its version and settings"
            + " (or what was changed on it by hand), then resume the task";
    static final Duration RECOVERING_PATIENCE = Duration.ofMinutes(5);
    private static final String RECOVERING_HINT = "The target Milvus may still be recovering after a restart; the task"
            + " retries for up to " + RECOVERING_PATIENCE.toMinutes() + " minutes, then pauses";
    private static final String TOO_LARGE_HINT = "A request exceeded the gRPC message limit; lower the task's"
            + " buffer size (buffer_config), then resume the task";

    // merr codes of Milvus 2.3+: service not ready/unavailable, memory/request/disk/quota/rate limits, internal,
    // time tick delay, resource insufficient, collection/partition not (fully) loaded or recovering,
    // replica/channel/node unavailable, unexpected EOF, message queue, canceled, timeout. Not 1001
    // "IO failed": 2.3 also reports malformed JSON rows with it.
    private static final Set<Integer> RETRIABLE_CODES = Set.of(1, 2, 3, 4, 5, 7, 8, 9, 11, 12, 101, 103, 106,
            201, 202, 305, 401, 503, 901, 902, 903, 905, 1002, 1302, 10000, 10001);
    private static final Set<Integer> AUTH_CODES = Set.of(1400, 1401, 1800);
    private static final Set<ErrorCode> RETRIABLE_LEGACY = Set.of(ErrorCode.ConnectFailed, ErrorCode.NotShardLeader,
            ErrorCode.NoReplicaAvailable, ErrorCode.ForceDeny, ErrorCode.RateLimit, ErrorCode.MemoryQuotaExhausted,
            ErrorCode.DiskQuotaExhausted, ErrorCode.TimeTickLongDelay, ErrorCode.NotReadyServe,
            ErrorCode.NotReadyCoordActivating, ErrorCode.DataCoordNA, ErrorCode.DDRequestRace);
    private static final Set<Code> RETRIABLE_GRPC = Set.of(Code.UNAVAILABLE, Code.DEADLINE_EXCEEDED,
            Code.RESOURCE_EXHAUSTED, Code.ABORTED, Code.CANCELLED);
    // "must drop all collections": a database drop that overtook the drops of its collections, which
    // travel on other channels and will arrive. "release it first": a partition drop that a load from
    // the replicate channel overtook (loads travel on their own channel); dropping releases it again.
    // "empty grpc client: failed to connect ..." and "empty grpc client: find no available rootcoord": a
    // target that is stopping or starting answers with its own roles unreachable (both seen on the rig).
    private static final String[] RETRIABLE_REASONS = {"rate limit", "not ready", "service unavailable",
            "not loaded", "quota", "too many requests", "timeout", "must drop all collections",
            "failed to connect", "connection error", "connection refused", "not healthy", "release it first",
            "empty grpc client"};

    private static final String[] RECOVERING_REASONS = {"unrecoverable error", "context deadline exceeded",
            "nodenotfound"};

    private static final String[] UNREACHABLE_REASONS = {"not ready", "service unavailable", "failed to connect",
            "connection error", "connection refused", "not healthy", "empty grpc client"};

    private TargetErrorClassifier() {
    }

    public static boolean isSuccess(Status status) {
        return status.getCode() == 0 && status.getErrorCode() == ErrorCode.Success;
    }

    /** The exception for a non-success {@code Status} in a Milvus response. */
    public static TargetException fromStatus(String operation, String object, Status status) {
        String detail = status.getReason() + " (code " + effectiveCode(status) + ")";
        if (isAuthFailure(status)) {
            return new PermanentTargetException(operation, object, detail, AUTH_HINT);
        }
        if (isRetriable(status)) {
            return new RetriableTargetException(operation, object, detail, RETRY_HINT, null, saysUnreachable(status.getReason()));
        }
        if (saysRecovering(status)) {
            return RetriableTargetException.forAWhile(operation, object, detail, RECOVERING_HINT, RECOVERING_PATIENCE);
        }
        if (isCollectionMissing(status)) {
            return new TargetObjectMissingException(operation, object, detail, false);
        }
        if (isPartitionMissing(status)) {
            return new TargetObjectMissingException(operation, object, detail, true);
        }
        return new PermanentTargetException(operation, object, detail, REJECTED_HINT);
    }

    /** The exception for a call that failed before Milvus answered, walking the cause chain. */
    public static TargetException fromThrowable(String operation, String object, Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StatusRuntimeException grpc) {
                return fromGrpc(operation, object, grpc);
            }
            if (t instanceof IOException) {
                return new RetriableTargetException(operation, object, String.valueOf(t.getMessage()), RETRY_HINT, failure, true);
            }
        }
        return new PermanentTargetException(operation, object, String.valueOf(failure), REJECTED_HINT, failure);
    }

    /** A status reason of a target that is down, stopping or starting (its roles unreachable), not merely busy. */
    static boolean saysUnreachable(String reason) {
        return mentions(reason, UNREACHABLE_REASONS);
    }

    /**
     * Milvus's own retries gave up inside the target ({@code retry.Unrecoverable}), one of its roles
     * did not answer another in time ({@code context deadline exceeded}: the query coordinator asking
     * the root coordinator for partitions), or a partition's creation could not reach a query node the
     * coordinator counted on ({@code sync new partition failed, reason: NodeNotFound}), reported with
     * code 65535: all seen on the rig when a load or a partition's creation followed a target restart,
     * while its roles were still recovering. Usually cured by time, but not surely, hence a bounded retry.
     */
    static boolean saysRecovering(Status status) {
        return effectiveCode(status) == 65535 && mentions(status.getReason(), RECOVERING_REASONS);
    }

    /** True when a status says the collection (or its database) does not exist on the target. */
    public static boolean isCollectionMissing(Status status) {
        String reason = status.getReason().toLowerCase(Locale.ROOT);
        return status.getCode() == 100 || status.getErrorCode() == ErrorCode.CollectionNotExists
                || reason.contains("collection not found") || reason.contains("can't find collection");
    }

    /** True when a status says the database does not exist on the target (merr code 800). */
    static boolean isDatabaseMissing(Status status) {
        return status.getCode() == 800 || status.getReason().toLowerCase(Locale.ROOT).contains("database not found");
    }

    /** True when a status says the partition does not exist on the target. */
    static boolean isPartitionMissing(Status status) {
        return status.getCode() == 200
                || status.getReason().toLowerCase(Locale.ROOT).contains("partition not found");
    }

    /** Authenticated, but the user lacks a privilege. */
    static boolean isPermissionDenied(Status status) {
        return status.getCode() == 1401 || status.getReason().toLowerCase(Locale.ROOT).contains("permission deny");
    }

    static boolean isAuthFailure(Status status) {
        return AUTH_CODES.contains(status.getCode()) || status.getErrorCode() == ErrorCode.PermissionDenied;
    }

    static boolean isRetriable(Status status) {
        if (status.getRetriable()) {
            return true;
        }
        if (status.getCode() != 0) {
            return RETRIABLE_CODES.contains(status.getCode()) || reasonSaysRetriable(status.getReason());
        }
        return RETRIABLE_LEGACY.contains(status.getErrorCode()) || reasonSaysRetriable(status.getReason());
    }

    /** A short human description of a transport failure, e.g. {@code connection refused}, without the peer address. */
    static String describe(StatusRuntimeException e) {
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        if (root != e && root.getMessage() != null) {
            return root.getMessage().toLowerCase(Locale.ROOT).replaceFirst("[:\\s]+/\\S*$", "").trim();
        }
        if (e.getStatus().getCode() == Code.DEADLINE_EXCEEDED) {
            return "no answer in time";
        }
        String description = e.getStatus().getDescription();
        return e.getStatus().getCode().name().toLowerCase(Locale.ROOT) + (description == null ? "" : " (" + description + ")");
    }

    /** True when the failure happened in the TLS handshake. */
    static boolean isTlsFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return true;
            }
        }
        return false;
    }

    private static TargetException fromGrpc(String operation, String object, StatusRuntimeException e) {
        Code code = e.getStatus().getCode();
        String detail = "gRPC " + code + ": " + describe(e);
        if (code == Code.UNAUTHENTICATED || code == Code.PERMISSION_DENIED) {
            return new PermanentTargetException(operation, object, detail, AUTH_HINT, e);
        }
        if (code == Code.RESOURCE_EXHAUSTED && String.valueOf(e.getStatus().getDescription()).contains("larger than")) {
            return new PermanentTargetException(operation, object, detail, TOO_LARGE_HINT, e);
        }
        if (RETRIABLE_GRPC.contains(code) || (code == Code.INTERNAL && causedByIo(e))) {
            return new RetriableTargetException(operation, object, detail, RETRY_HINT, e,
                    code == Code.UNAVAILABLE || code == Code.INTERNAL);
        }
        return new PermanentTargetException(operation, object, detail, REJECTED_HINT, e);
    }

    private static boolean causedByIo(Throwable e) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof IOException) {
                return true;
            }
        }
        return false;
    }

    private static boolean reasonSaysRetriable(String reason) {
        return mentions(reason, RETRIABLE_REASONS);
    }

    private static boolean mentions(String reason, String[] markers) {
        String lower = reason.toLowerCase(Locale.ROOT);
        return Arrays.stream(markers).anyMatch(lower::contains);
    }

    private static int effectiveCode(Status status) {
        return status.getCode() != 0 ? status.getCode() : status.getErrorCodeValue();
    }
}
