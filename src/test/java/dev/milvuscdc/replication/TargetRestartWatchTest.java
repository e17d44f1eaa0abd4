package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.sink.RetriableTargetException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TargetRestartWatchTest {

    private final FakeTarget target = new FakeTarget();
    private final List<String> baselines = new ArrayList<>();
    private final List<String> restarts = new ArrayList<>();
    private final AtomicInteger unreachable = new AtomicInteger();

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void theDataNodesAreAskedOnlyOnceTheProxyKeptItsIdForTheSettlingRounds() throws InterruptedException {
        TargetRestartWatch watch = watch(Optional.empty());
        rounds(watch, TargetRestartWatch.SETTLE_ROUNDS - 1);
        assertThat(target.dataNodeQuestions()).isZero();

        watch.runOnce();

        assertThat(target.dataNodeQuestions()).isEqualTo(1);
        assertThat(baselines).containsExactly("datanode1");
        assertThat(restarts).isEmpty();
    }

    @Test
    void aNewProxyIdIsARestartToldAtOnceWithoutAskingTheDataNodes() throws InterruptedException {
        TargetRestartWatch watch = watch(Optional.of("datanode1"));
        watch.runOnce();

        target.restartStandalone();
        watch.runOnce();

        assertThat(restarts).containsExactly("its proxy was node 1, now node 2");
        assertThat(target.dataNodeQuestions()).isZero();
        assertThat(Thread.currentThread().isInterrupted()).as("the watch ends").isTrue();
    }

    @Test
    void aDataNodeThatRestartedAloneIsToldOnceTheProxyIsSettled() throws InterruptedException {
        TargetRestartWatch watch = watch(Optional.of("datanode1"));
        target.restartDataNode();

        rounds(watch, TargetRestartWatch.SETTLE_ROUNDS);

        assertThat(restarts).containsExactly("its data nodes were datanode1, now datanode2");
        assertThat(baselines).isEmpty();
    }

    @Test
    void aTargetThatCannotBeReachedIsToldAndTheSettlingStartsOver() throws InterruptedException {
        TargetRestartWatch watch = watch(Optional.empty());
        rounds(watch, TargetRestartWatch.SETTLE_ROUNDS - 1);
        AtomicBoolean down = new AtomicBoolean(true);
        target.duringCalls(call -> {
            if (down.get()) {
                throw new RetriableTargetException("ask the state of", "the target", "connection refused", "wait", null, true);
            }
        });
        watch.runOnce();
        down.set(false);
        rounds(watch, TargetRestartWatch.SETTLE_ROUNDS - 1);

        assertThat(unreachable).hasValue(1);
        assertThat(target.dataNodeQuestions()).isZero();
        watch.runOnce();
        assertThat(target.dataNodeQuestions()).isEqualTo(1);
    }

    private TargetRestartWatch watch(Optional<String> known) {
        return new TargetRestartWatch(target, Duration.ZERO, known, Optional.of(1L), baselines::add, restarts::add,
                unreachable::incrementAndGet);
    }

    private static void rounds(TargetRestartWatch watch, int rounds) throws InterruptedException {
        for (int i = 0; i < rounds; i++) {
            watch.runOnce();
        }
    }
}
