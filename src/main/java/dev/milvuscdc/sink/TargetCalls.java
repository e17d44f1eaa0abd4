package dev.milvuscdc.sink;

import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.Status;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Runs one RPC against the target with a deadline, names the database in the {@code dbname}
 * header, and turns transport failures and non-success statuses into {@link TargetException}s.
 */
final class TargetCalls {

    private final MilvusConnection connection;
    private final Duration timeout;

    TargetCalls(MilvusConnection connection, Duration timeout) {
        this.connection = connection;
        this.timeout = timeout;
    }

    /** Calls and insists on success. */
    <R> R call(String operation, String object, String db, Function<MilvusServiceBlockingStub, R> rpc,
               Function<R, Status> statusOf) {
        R response = callAllowingFailure(operation, object, db, rpc);
        Status status = statusOf.apply(response);
        if (!TargetErrorClassifier.isSuccess(status)) {
            throw TargetErrorClassifier.fromStatus(operation, object, status);
        }
        return response;
    }

    /** Calls and returns whatever Milvus answered; only transport failures throw. */
    <R> R callAllowingFailure(String operation, String object, String db, Function<MilvusServiceBlockingStub, R> rpc) {
        try {
            return rpc.apply(connection.stub(db).withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (RuntimeException e) {
            throw TargetErrorClassifier.fromThrowable(operation, object, e);
        }
    }

    static String object(String db, String collection) {
        return db + "." + collection;
    }
}
