package dev.milvuscdc.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CallPipelineTest {

    private final CallPipeline pipeline = new CallPipeline("test", 3, Map.of("task", "t1"));

    @AfterEach
    void close() {
        pipeline.close();
    }

    @Test
    void callsOfDifferentKeysRunAtTheSameTime() throws InterruptedException {
        CountDownLatch allStarted = new CountDownLatch(3);
        AtomicBoolean overlapped = new AtomicBoolean(true);
        CallPipeline.Call waitsForTheOthers = () -> {
            allStarted.countDown();
            if (!allStarted.await(10, TimeUnit.SECONDS)) {
                overlapped.set(false);
            }
        };

        pipeline.submit(1L, List.of(1L), waitsForTheOthers);
        pipeline.submit(1L, List.of(2L), waitsForTheOthers);
        pipeline.submit(2L, List.of(1L), waitsForTheOthers);
        pipeline.drain();

        assertThat(overlapped).isTrue();
        assertThat(pipeline.completedThrough()).isEqualTo(3);
    }

    @Test
    void aCallWaitsForTheCallInFlightThatTouchesOneOfItsKeys() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        List<String> order = new CopyOnWriteArrayList<>();
        pipeline.submit(1L, List.of(1L, 2L), () -> {
            release.await();
            order.add("first");
        });
        Thread submitter = new Thread(() -> {
            try {
                pipeline.submit(1L, List.of(2L, 3L), () -> order.add("second"));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        submitter.start();

        submitter.join(300);
        assertThat(submitter.isAlive()).as("the second call waits while the first is in flight").isTrue();
        release.countDown();
        submitter.join(10_000);
        pipeline.drain();

        assertThat(order).containsExactly("first", "second");
    }

    @Test
    void completedThroughStopsAtTheOldestCallStillRunning() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        pipeline.submit(1L, List.of(1L), release::await);
        pipeline.submit(1L, List.of(2L), () -> { });
        pipeline.submit(1L, List.of(3L), () -> { });

        await().atMost(5, TimeUnit.SECONDS).until(() -> pipeline.submitted() == 3);
        Thread.sleep(100);
        assertThat(pipeline.completedThrough()).isZero();
        release.countDown();
        pipeline.drain();
        assertThat(pipeline.completedThrough()).isEqualTo(3);
    }

    @Test
    void aFailedCallIsRethrownAndItsNumberNeverCountsAsCompleted() throws InterruptedException {
        CountDownLatch allSubmitted = new CountDownLatch(1);
        pipeline.submit(1L, List.of(1L), () -> { });
        pipeline.submit(1L, List.of(2L), () -> {
            allSubmitted.await();
            throw new IllegalArgumentException("bad rows");
        });
        pipeline.submit(1L, List.of(3L), () -> { });
        allSubmitted.countDown();

        assertThatThrownBy(pipeline::drain).isInstanceOf(IllegalArgumentException.class).hasMessage("bad rows");
        assertThatThrownBy(pipeline::completedThrough).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pipeline.submit(1L, List.of(4L), () -> { })).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void noMoreThanTheMaximumRunAtOnce() throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        for (long key = 1; key <= 3; key++) {
            pipeline.submit(1L, List.of(key), release::await);
        }
        Thread fourth = new Thread(() -> {
            try {
                pipeline.submit(1L, List.of(4L), () -> { });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        fourth.start();

        fourth.join(300);
        assertThat(fourth.isAlive()).as("a fourth call waits while three are in flight").isTrue();
        release.countDown();
        fourth.join(10_000);
        pipeline.drain();
        assertThat(pipeline.completedThrough()).isEqualTo(4);
    }

    @Test
    void closingInterruptsTheCallsInFlight() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean interrupted = new AtomicBoolean();
        pipeline.submit(1L, List.of(1L), () -> {
            started.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            }
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

        pipeline.close();

        await().atMost(10, TimeUnit.SECONDS).untilTrue(interrupted);
        assertThatThrownBy(pipeline::completedThrough).isInstanceOf(InterruptedException.class);
    }
}
