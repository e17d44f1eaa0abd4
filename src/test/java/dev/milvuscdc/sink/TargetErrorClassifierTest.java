package dev.milvuscdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.ErrorCode;
import io.milvus.grpc.Status;
import io.milvus.shaded.io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.ConnectException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TargetErrorClassifierTest {

    @Test
    void unreachableTargetIsRetriableAndDescribedByItsRootCause() {
        StatusRuntimeException refused = io.milvus.shaded.io.grpc.Status.UNAVAILABLE
                .withCause(new ConnectException("Connection refused: /127.0.0.1:1")).asRuntimeException();

        TargetException e = TargetErrorClassifier.fromThrowable("upsert into", "db.c", refused);

        assertThat(e).isInstanceOf(RetriableTargetException.class);
        assertThat(e.getMessage()).startsWith("upsert into db.c on the target Milvus failed: gRPC UNAVAILABLE: connection refused");
        assertThat(e.hint()).isEqualTo(TargetErrorClassifier.RETRY_HINT);
        assertThat(((RetriableTargetException) e).unreachable()).isTrue();
    }

    @Test
    void anUnrecoverableErrorInsideTheTargetIsRetriedForAWhileOnly() {
        TargetException e = TargetErrorClassifier.fromStatus("load collection", "db.c",
                Status.newBuilder().setCode(65535).setReason("unrecoverable error").build());

        assertThat(e).isInstanceOf(RetriableTargetException.class);
        RetriableTargetException recovering = (RetriableTargetException) e;
        assertThat(recovering.patience()).contains(TargetErrorClassifier.RECOVERING_PATIENCE);
        assertThat(recovering.unreachable()).isFalse();
        assertThat(e.getMessage()).contains("load collection db.c", "unrecoverable error (code 65535)", "recovering after a restart");

        PermanentTargetException givenUp = recovering.givenUp(Duration.ofSeconds(301));
        assertThat(givenUp.getMessage()).contains("load collection db.c", "still failing after 301 s of retries",
                "unrecoverable error", "resume the task");
    }

    @Test
    void aRoleOfTheTargetNotAnsweringAnotherInTimeIsRetriedForAWhileOnly() {
        // As a 2.3.5 target answered a load 8 s after it started again (a 200-fault schedule, 2026-12-05).
        TargetException e = TargetErrorClassifier.fromStatus("load collection", "db.c", Status.newBuilder().setCode(65535)
                .setReason("stack trace: /milvus/pkg/tracer/stack_trace.go:51 ... querycoordv2/job/job_load.go:118"
                        + " (*LoadCollectionJob).Execute ...: attempt #0: rpc error: code = DeadlineExceeded desc ="
                        + " context deadline exceeded").build());

        assertThat(e).isInstanceOf(RetriableTargetException.class);
        assertThat(((RetriableTargetException) e).patience()).contains(TargetErrorClassifier.RECOVERING_PATIENCE);
        assertThat(e.getMessage()).contains("recovering after a restart");
    }

    @Test
    void aPartitionCreationThatCouldNotReachAQueryNodeIsRetriedForAWhileOnly() {
        // As a 2.3.5 target answered the creation of a partition of a loaded collection after a restart (a
        // 200-fault schedule on Pulsar, seed 921359463, 2026-12-06), which paused the task for good.
        TargetException e = TargetErrorClassifier.fromStatus("create partition", "db.c.p11", Status.newBuilder()
                .setCode(65535).setReason("sync new partition failed, reason: NodeNotFound").build());

        assertThat(e).isInstanceOf(RetriableTargetException.class);
        assertThat(((RetriableTargetException) e).patience()).contains(TargetErrorClassifier.RECOVERING_PATIENCE);
        assertThat(e.getMessage()).contains("create partition db.c.p11", "NodeNotFound", "recovering after a restart");
    }

    @Test
    void otherRetriableFaultsHaveNoBoundOnTheirRetries() {
        RetriableTargetException busy = (RetriableTargetException) TargetErrorClassifier.fromStatus("insert into", "db.c",
                Status.newBuilder().setCode(8).setReason("rate limit exceeded").build());

        assertThat(busy.patience()).isEmpty();
    }

    @Test
    void aStartingTargetCountsAsUnreachableAndABusyOneDoesNot() {
        RetriableTargetException starting = (RetriableTargetException) TargetErrorClassifier.fromStatus("insert into", "db.c",
                Status.newBuilder().setCode(65535).setReason("empty grpc client: failed to connect 127.0.0.1:1").build());
        RetriableTargetException busy = (RetriableTargetException) TargetErrorClassifier.fromStatus("insert into", "db.c",
                Status.newBuilder().setCode(8).setReason("rate limit exceeded").build());
        RetriableTargetException late = (RetriableTargetException) TargetErrorClassifier.fromThrowable("insert into", "db.c",
                io.milvus.shaded.io.grpc.Status.DEADLINE_EXCEEDED.asRuntimeException());

        RetriableTargetException noRootCoord = (RetriableTargetException) TargetErrorClassifier.fromStatus("upsert into",
                "db.c", Status.newBuilder().setCode(65535)
                        .setReason("empty grpc client: find no available rootcoord, check rootcoord state").build());

        assertThat(starting.unreachable()).isTrue();
        assertThat(noRootCoord.unreachable()).as("seen while the target stopped, in SnapshotIT").isTrue();
        assertThat(busy.unreachable()).isFalse();
        assertThat(late.unreachable()).isFalse();
    }

    @Test
    void deadlineExhaustedAndAbortedCallsAreRetriable() {
        for (io.milvus.shaded.io.grpc.Status status : new io.milvus.shaded.io.grpc.Status[] {
                io.milvus.shaded.io.grpc.Status.DEADLINE_EXCEEDED, io.milvus.shaded.io.grpc.Status.RESOURCE_EXHAUSTED,
                io.milvus.shaded.io.grpc.Status.ABORTED}) {
            assertThat(TargetErrorClassifier.fromThrowable("flush", "db.c", status.asRuntimeException()))
                    .as(status.getCode().name()).isInstanceOf(RetriableTargetException.class);
        }
    }

    @Test
    void internalErrorIsRetriableOnlyWhenTheTransportBroke() {
        StatusRuntimeException reset = io.milvus.shaded.io.grpc.Status.INTERNAL.withCause(new IOException("RST_STREAM")).asRuntimeException();
        StatusRuntimeException bug = io.milvus.shaded.io.grpc.Status.INTERNAL.withDescription("panic").asRuntimeException();

        assertThat(TargetErrorClassifier.fromThrowable("upsert into", "db.c", reset)).isInstanceOf(RetriableTargetException.class);
        assertThat(TargetErrorClassifier.fromThrowable("upsert into", "db.c", bug)).isInstanceOf(PermanentTargetException.class);
    }

    @Test
    void oversizedMessageIsPermanentWithABufferHint() {
        StatusRuntimeException tooLarge = io.milvus.shaded.io.grpc.Status.RESOURCE_EXHAUSTED
                .withDescription("gRPC message exceeds maximum size: message larger than max (70000000 vs. 67108864)")
                .asRuntimeException();

        TargetException e = TargetErrorClassifier.fromThrowable("upsert into", "db.c", tooLarge);

        assertThat(e).isInstanceOf(PermanentTargetException.class);
        assertThat(e.hint()).contains("buffer_config");
    }

    @Test
    void rejectedCredentialsArePermanent() {
        assertThat(TargetErrorClassifier.fromThrowable("create collection", "db.c",
                io.milvus.shaded.io.grpc.Status.UNAUTHENTICATED.asRuntimeException()))
                .isInstanceOf(PermanentTargetException.class)
                .extracting(TargetException::hint).isEqualTo(TargetErrorClassifier.AUTH_HINT);
        assertThat(TargetErrorClassifier.fromStatus("create collection", "db.c", merr(1401, "privilege not permitted")))
                .isInstanceOf(PermanentTargetException.class)
                .extracting(TargetException::hint).isEqualTo(TargetErrorClassifier.AUTH_HINT);
        assertThat(TargetErrorClassifier.fromStatus("drop collection", "db.c",
                Status.newBuilder().setErrorCode(ErrorCode.PermissionDenied).setReason("denied").build()))
                .isInstanceOf(PermanentTargetException.class);
    }

    @Test
    void overloadedOrStartingTargetIsRetriable() {
        assertThat(TargetErrorClassifier.fromStatus("upsert into", "db.c", merr(8, "rate limit exceeded[rate=0.1]")))
                .isInstanceOf(RetriableTargetException.class);
        assertThat(TargetErrorClassifier.fromStatus("upsert into", "db.c", merr(1, "service not ready")))
                .isInstanceOf(RetriableTargetException.class);
        assertThat(TargetErrorClassifier.fromStatus("upsert into", "db.c", merr(101, "collection not loaded")))
                .isInstanceOf(RetriableTargetException.class);
        assertThat(TargetErrorClassifier.fromStatus("upsert into", "db.c",
                Status.newBuilder().setErrorCode(ErrorCode.RateLimit).setReason("too many").build()))
                .isInstanceOf(RetriableTargetException.class);
    }

    @Test
    void aStoppingTargetWhoseRolesAreUnreachableIsRetriable() {
        assertThat(TargetErrorClassifier.fromStatus("upsert into", "db.c", merr(65535,
                "empty grpc client: failed to connect 127.0.0.1:56623, reason: connection error")))
                .isInstanceOf(RetriableTargetException.class);
    }

    @Test
    void droppingADatabaseBeforeItsCollectionsIsRetriable() {
        assertThat(TargetErrorClassifier.fromStatus("drop database", "db", merr(65535,
                "database:db not empty, must drop all collections before drop database")))
                .isInstanceOf(RetriableTargetException.class);
    }

    @Test
    void droppingAPartitionThatALoadOvertookIsRetriable() {
        assertThat(TargetErrorClassifier.fromStatus("drop partition", "db.c.p", merr(65535,
                "partition cannot be dropped, partition is loaded, please release it first")))
                .isInstanceOf(RetriableTargetException.class);
    }

    @Test
    void aMissingCollectionOrPartitionIsItsOwnKindOfPermanentFailure() {
        assertThat(TargetErrorClassifier.fromStatus("insert into", "db.c", merr(100, "collection not found[collection=1]")))
                .isInstanceOfSatisfying(TargetObjectMissingException.class, e -> assertThat(e.partition()).isFalse());
        assertThat(TargetErrorClassifier.fromStatus("insert into", "db.c", merr(200, "partition not found[partition=p]")))
                .isInstanceOfSatisfying(TargetObjectMissingException.class, e -> assertThat(e.partition()).isTrue());
    }

    @Test
    void milvusRetriableFlagWins() {
        assertThat(TargetErrorClassifier.fromStatus("load collection", "db.c",
                merr(65535, "something new").toBuilder().setRetriable(true).build()))
                .isInstanceOf(RetriableTargetException.class);
    }

    @Test
    void invalidRequestsAndBadRowsArePermanentWithTheReasonAndCode() {
        TargetException invalid = TargetErrorClassifier.fromStatus("create collection", "db.c",
                merr(1100, "invalid parameter[expected=dim][actual=0]"));
        TargetException badJson = TargetErrorClassifier.fromStatus("upsert into", "db.c",
                merr(1001, "IO failed: json: cannot unmarshal array into Go value of type map[string]interface {}"));

        assertThat(invalid).isInstanceOf(PermanentTargetException.class);
        assertThat(invalid.getMessage()).isEqualTo("create collection db.c on the target Milvus failed: "
                + "invalid parameter[expected=dim][actual=0] (code 1100). " + TargetErrorClassifier.REJECTED_HINT);
        assertThat(badJson).isInstanceOf(PermanentTargetException.class);
    }

    @Test
    void missingCollectionIsRecognisedByCodeAndLegacyCode() {
        assertThat(TargetErrorClassifier.isCollectionMissing(merr(100, "can't find collection"))).isTrue();
        assertThat(TargetErrorClassifier.isCollectionMissing(
                Status.newBuilder().setErrorCode(ErrorCode.CollectionNotExists).setReason("x").build())).isTrue();
        assertThat(TargetErrorClassifier.isCollectionMissing(merr(800, "database not found"))).isFalse();
    }

    @Test
    void successIsNeitherCodeNorLegacyCode() {
        assertThat(TargetErrorClassifier.isSuccess(Status.getDefaultInstance())).isTrue();
        assertThat(TargetErrorClassifier.isSuccess(merr(5, "x"))).isFalse();
        assertThat(TargetErrorClassifier.isSuccess(Status.newBuilder().setErrorCode(ErrorCode.UnexpectedError).build())).isFalse();
    }

    @Test
    void unknownNonGrpcFailureIsPermanentAndKeepsItsCause() {
        IllegalStateException bug = new IllegalStateException("boom");
        TargetException e = TargetErrorClassifier.fromThrowable("delete from", "db.c", bug);
        assertThat(e).isInstanceOf(PermanentTargetException.class).hasCause(bug);
    }

    private static Status merr(int code, String reason) {
        return Status.newBuilder().setCode(code).setErrorCode(ErrorCode.UnexpectedError).setReason(reason).build();
    }
}
