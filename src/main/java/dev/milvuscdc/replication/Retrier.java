package dev.milvuscdc.replication;

import dev.milvuscdc.sink.RetriableTargetException;
import dev.milvuscdc.snapshot.SnapshotReadException;
import dev.milvuscdc.source.log.SourceLogException;
import dev.milvuscdc.source.meta.SourceMetadataException;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.task.TaskStatusListener;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an action until it succeeds, waiting between tries with capped exponential backoff, for
 * faults that time can cure: an unreachable or overloaded target, etcd, Kafka or task store. The
 * task stays Running and shows the fault as its reason; the reason is cleared once the action
 * succeeds. A fault that time only usually cures is retried for its patience, then passed on.
 * Anything else (refused credentials, a lost position, a conflict on the target, a bug) passes
 * through at once, and pauses the task. Interrupts end the wait, so stopping a task is never
 * trapped in a retry.
 */
final class Retrier {

    /** One try of an action; may be interrupted. */
    interface Action<T> {
        T call() throws InterruptedException;
    }

    /** One try of an action without a result. */
    interface VoidAction {
        void run() throws InterruptedException;
    }

    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    private final TaskStatusListener listener;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Runnable targetUnreachable;

    Retrier(TaskStatusListener listener, Duration initialBackoff, Duration maxBackoff) {
        this(listener, initialBackoff, maxBackoff, () -> { });
    }

    /** @param targetUnreachable runs when a try fails because the target is down or starting (it may restart) */
    Retrier(TaskStatusListener listener, Duration initialBackoff, Duration maxBackoff, Runnable targetUnreachable) {
        this.listener = listener;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.targetUnreachable = targetUnreachable;
    }

    void run(String what, VoidAction action) throws InterruptedException {
        call(what, () -> {
            action.run();
            return null;
        });
    }

    <T> T call(String what, Action<T> action) throws InterruptedException {
        Duration backoff = initialBackoff;
        boolean failing = false;
        long boundedSince = 0;
        while (true) {
            try {
                T result = action.call();
                if (failing) {
                    log.info("{} succeeded again", what);
                    listener.recovered();
                }
                return result;
            } catch (RuntimeException e) {
                if (!isRetriable(e)) {
                    throw e;
                }
                if (Thread.interrupted()) {
                    // A stop interrupted the call (gRPC reports it as CANCELLED): not a fault to show.
                    throw new InterruptedException("stopped during " + what);
                }
                if (e instanceof RetriableTargetException target && target.patience().isPresent()) {
                    // Counted from the first try that failed this way, not from an outage before it.
                    boundedSince = boundedSince == 0 ? System.nanoTime() : boundedSince;
                    Duration failingFor = Duration.ofNanos(System.nanoTime() - boundedSince);
                    if (failingFor.compareTo(target.patience().get()) >= 0) {
                        throw target.givenUp(failingFor);
                    }
                } else {
                    boundedSince = 0;
                }
                String reason = what + " failed, retrying every " + backoff.toSeconds() + " s at most " + maxBackoff.toSeconds()
                        + " s: " + e.getMessage();
                if (!failing) {
                    log.warn(reason);
                }
                failing = true;
                if (e instanceof RetriableTargetException target && target.unreachable()) {
                    targetUnreachable.run();
                }
                listener.retrying(Faults.kind(e), reason);
                Thread.sleep(backoff.toMillis());
                backoff = backoff.multipliedBy(2).compareTo(maxBackoff) > 0 ? maxBackoff : backoff.multipliedBy(2);
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedException("stopped while retrying " + what);
            }
        }
    }

    /** Whether time may cure the fault; every other fault needs an operator. */
    static boolean isRetriable(RuntimeException e) {
        return e instanceof RetriableTargetException
                || e instanceof SourceMetadataException metadata && metadata.retriable()
                || e instanceof SourceLogException log && log.retriable()
                || e instanceof StoreException store && store.retriable()
                || e instanceof SnapshotReadException read && read.retriable();
    }
}
