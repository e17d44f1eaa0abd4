package dev.milvuscdc.control;

import static dev.milvuscdc.control.TaskRequestException.server;

import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Before a task is stored, its source and target must answer, both within the request's
 * {@code connect_timeout}: the two checks run side by side, and a source check that takes longer
 * (the source probe has deadlines of its own, longer than a short {@code connect_timeout}) counts
 * as no answer. So an unreachable source or target never holds a {@code create} answer longer
 * than its caller allowed.
 */
final class ReachabilityCheck {

    /** The {@code connect_timeout} of a request that gives none, as the target connection uses it. */
    static final int DEFAULT_CONNECT_TIMEOUT_SECONDS = 5;

    private final Supplier<Optional<String>> sourceProblem;
    private final TargetProbe targetProbe;
    private final Executor executor;

    /**
     * @param sourceProblem why the source cannot be reached now, empty when it can
     * @param executor runs the source check beside the target's
     */
    ReachabilityCheck(Supplier<Optional<String>> sourceProblem, TargetProbe targetProbe, Executor executor) {
        this.sourceProblem = sourceProblem;
        this.targetProbe = targetProbe;
        this.executor = executor;
    }

    void check(MilvusConnectParam target) {
        int timeoutSeconds = target.connectTimeout() > 0 ? target.connectTimeout() : DEFAULT_CONNECT_TIMEOUT_SECONDS;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        CompletableFuture<Optional<String>> source = CompletableFuture.supplyAsync(sourceProblem, executor);
        Optional<String> targetProblem = targetProblem(target);
        sourceProblem(source, deadline, timeoutSeconds).ifPresent(problem -> {
            throw server("the source Milvus cannot be reached, check sourceConfig: " + problem);
        });
        targetProblem.ifPresent(problem -> {
            throw server("fail to connect the milvus: " + problem);
        });
    }

    /** A task with {@code write_mode "replicate"} needs a target that takes ReplicateMessage. */
    void checkReplicateMode(MilvusConnectParam target) {
        boolean replicateMode;
        try {
            replicateMode = targetProbe.replicateMode(target);
        } catch (TargetProbe.TargetUnreachableException e) {
            throw server("fail to connect the milvus: " + e.getMessage());
        }
        if (!replicateMode) {
            throw TaskRequestException.client("write_mode \"replicate\" needs a target Milvus in replicate mode, and this "
                    + "one refuses ReplicateMessage (code 1900): start it with common.ttMsgEnabled=false in milvus.yaml, "
                    + "or leave write_mode out to write through its ordinary API");
        }
    }

    private Optional<String> targetProblem(MilvusConnectParam target) {
        try {
            targetProbe.check(target);
            return Optional.empty();
        } catch (TargetProbe.TargetUnreachableException e) {
            return Optional.of(e.getMessage());
        }
    }

    private static Optional<String> sourceProblem(CompletableFuture<Optional<String>> check, long deadline,
                                                  int timeoutSeconds) {
        try {
            return check.get(Math.max(deadline - System.nanoTime(), 0), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return Optional.of("no answer from etcd and kafka within the connect_timeout (" + timeoutSeconds + " s)");
        } catch (ExecutionException e) {
            return Optional.of("the check failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw server("interrupted while checking the source");
        }
    }
}
