package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.sink.RetriableTargetException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetrierTest {

    private final RecordingListener listener = new RecordingListener();
    private final Retrier retrier = new Retrier(listener, Duration.ofMillis(1), Duration.ofMillis(4));

    @Test
    void retriesARetriableFaultShowingTheReasonAndClearsItOnSuccess() throws Exception {
        AtomicInteger calls = new AtomicInteger();

        String result = retrier.call("upsert into db.c", () -> {
            if (calls.incrementAndGet() < 3) {
                throw new RetriableTargetException("upsert", "db.c", "unavailable", "wait", null);
            }
            return "done";
        });

        assertThat(result).isEqualTo("done");
        assertThat(listener.retrying).hasSize(2).allSatisfy(reason -> assertThat(reason).contains("upsert into db.c", "unavailable"));
        assertThat(listener.recovered).isEqualTo(1);
    }

    @Test
    void eachTryThatFindsTheTargetDownOrStartingIsReported() throws Exception {
        int reports = unreachableReportsWhenTwoTriesFailWith(
                new RetriableTargetException("upsert", "db.c", "connection refused", "wait", null, true));

        assertThat(reports).isEqualTo(2);
    }

    @Test
    void aBusyTargetIsNotTakenForADownOne() throws Exception {
        int reports = unreachableReportsWhenTwoTriesFailWith(
                new RetriableTargetException("upsert", "db.c", "rate limit exceeded", "wait", null));

        assertThat(reports).isZero();
        assertThat(listener.recovered).isEqualTo(1);
    }

    /** Runs an action that fails twice with {@code fault} and then succeeds, then one that succeeds at once. */
    private int unreachableReportsWhenTwoTriesFailWith(RetriableTargetException fault) throws InterruptedException {
        AtomicInteger unreachable = new AtomicInteger();
        Retrier watching = new Retrier(listener, Duration.ofMillis(1), Duration.ofMillis(4), unreachable::incrementAndGet);
        AtomicInteger calls = new AtomicInteger();

        watching.run("upsert into db.c", () -> {
            if (calls.incrementAndGet() < 3) {
                throw fault;
            }
        });
        watching.run("upsert into db.c", () -> { });
        return unreachable.get();
    }

    @Test
    void aFaultThatTimeOnlyUsuallyCuresIsGivenUpAfterItsPatience() {
        RetriableTargetException recovering = RetriableTargetException.forAWhile("load collection", "db.c",
                "unrecoverable error (code 65535)", "wait", Duration.ofMillis(30));
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier.run("load db.c", () -> {
            calls.incrementAndGet();
            throw recovering;
        })).isInstanceOf(PermanentTargetException.class)
                .hasMessageContaining("load collection db.c").hasMessageContaining("still failing after");

        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
        assertThat(listener.retrying).hasSize(calls.get() - 1);
    }

    @Test
    void aPermanentFaultPassesThroughAtOnce() {
        AtomicInteger calls = new AtomicInteger();

        assertThatThrownBy(() -> retrier.run("create collection db.c", () -> {
            calls.incrementAndGet();
            throw new PermanentTargetException("create", "db.c", "schema differs", "drop it");
        })).isInstanceOf(PermanentTargetException.class);

        assertThat(calls).hasValue(1);
        assertThat(listener.retrying).isEmpty();
    }

    @Test
    void anInterruptEndsTheRetriesWithoutReportingAFault() {
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> retrier.run("flush", () -> {
            throw new RetriableTargetException("flush", "db.c", "cancelled", "wait", null);
        })).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse();
        assertThat(listener.retrying).isEmpty();
    }

    @Test
    void successAtTheFirstTryReportsNothing() throws Exception {
        retrier.run("load", () -> { });

        assertThat(listener.retrying).isEmpty();
        assertThat(listener.recovered).isZero();
    }
}
