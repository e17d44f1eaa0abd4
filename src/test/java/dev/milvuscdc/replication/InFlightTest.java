package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InFlightTest {

    private final InFlight calls = new InFlight();

    @Test
    void retiringWaitsForEveryCallInFlightAndThenRefusesNewOnes() throws Exception {
        assertThat(calls.enter()).isTrue();
        assertThat(calls.enter()).isTrue();
        CompletableFuture<Void> retired = CompletableFuture.runAsync(() -> {
            try {
                calls.retire();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        calls.exit();
        Thread.sleep(100);
        assertThat(retired).isNotDone();
        assertThat(calls.enter()).as("retiring already refuses new calls").isFalse();
        calls.exit();

        retired.get(10, TimeUnit.SECONDS);
        assertThat(calls.enter()).isFalse();
    }

    @Test
    void retiringAnIdleObjectReturnsAtOnce() throws Exception {
        calls.retire();

        assertThat(calls.enter()).isFalse();
    }
}
