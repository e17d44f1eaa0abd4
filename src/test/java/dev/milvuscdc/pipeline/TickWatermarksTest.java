package dev.milvuscdc.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChannelPosition;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TickWatermarksTest {

    private final TickWatermarks marks = new TickWatermarks();

    @Test
    void nothingIsSafeUntilEveryRegisteredChannelStoredAPack() {
        marks.register("dml_0");
        marks.register("dml_1");
        marks.acknowledged(position("dml_0", "a"), 100);
        marks.stored(List.of(position("dml_0", "a")));

        assertThat(marks.safe()).isZero();

        marks.acknowledged(position("dml_1", "b"), 80);
        marks.stored(List.of(position("dml_1", "b")));

        assertThat(marks.safe()).isEqualTo(80);
    }

    @Test
    void anAcknowledgedPackCountsOnlyOnceItsEndIsStored() {
        marks.register("dml_0");
        marks.acknowledged(position("dml_0", "a"), 100);
        marks.acknowledged(position("dml_0", "b"), 200);
        marks.stored(List.of(position("dml_0", "a")));

        assertThat(marks.safe()).isEqualTo(100);

        marks.stored(List.of(position("dml_0", "b")));

        assertThat(marks.safe()).isEqualTo(200);
    }

    @Test
    void aStoredPositionNoPackEndedAtAndUnregisteredChannelsChangeNothing() {
        marks.register("dml_0");
        marks.acknowledged(position("dml_0", "a"), 100);
        marks.acknowledged(position("replicate", "r"), 500);
        marks.stored(List.of(position("dml_0", "rewound"), position("replicate", "r")));

        assertThat(marks.safe()).isZero();
    }

    @Test
    void aWaiterWakesWhenTheSlowestChannelAcknowledgesNotBefore() throws Exception {
        marks.register("dml_0");
        marks.register("dml_1");
        marks.acknowledged(position("dml_0", "a"), 100);
        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> awaitQuietly(0, 10_000));

        Thread.sleep(100);
        assertThat(waiter).isNotDone();

        marks.acknowledged(position("dml_1", "b"), 90);

        assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo(90);
        assertThat(marks.safe()).as("nothing is stored yet").isZero();
    }

    @Test
    void aWaiterGivesUpAfterItsTimeoutWithWhatItHad() throws Exception {
        marks.register("dml_0");
        marks.acknowledged(position("dml_0", "a"), 100);

        long started = System.nanoTime();
        assertThat(marks.awaitAcknowledged(100, 150)).isEqualTo(100);
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isGreaterThanOrEqualTo(140);
        assertThat(marks.awaitAcknowledged(50, 10_000)).as("already beyond: no wait").isEqualTo(100);
    }

    @Test
    void anIdleChannelStopsCountingUntilItsNextPack() {
        marks.register("dml_0");
        marks.register("dml_1");
        store("dml_0", "a", 100);
        store("dml_1", "b", 300);
        marks.idle("dml_0");

        assertThat(marks.safe()).isEqualTo(300);

        marks.acknowledged(position("dml_0", "c"), 400);
        assertThat(marks.safe()).as("busy again: its stored mark counts").isEqualTo(100);

        marks.stored(List.of(position("dml_0", "c")));
        assertThat(marks.safe()).isEqualTo(300);
    }

    @Test
    void aChannelWithAnUnstoredPackIsNeverIdleAndAllIdleMovesNothing() {
        marks.register("dml_0");
        marks.register("dml_1");
        store("dml_0", "a", 100);
        store("dml_1", "b", 300);
        marks.acknowledged(position("dml_0", "c"), 200);
        marks.idle("dml_0");

        assertThat(marks.safe()).isEqualTo(100);

        marks.stored(List.of(position("dml_0", "c")));
        marks.idle("dml_0");
        marks.idle("dml_1");
        assertThat(marks.safe()).isEqualTo(200);
    }

    @Test
    void anIdleChannelWakesAWaiterAtOnce() throws Exception {
        marks.register("dml_0");
        marks.register("dml_1");
        store("dml_0", "a", 100);
        marks.acknowledged(position("dml_1", "b"), 300);
        CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(() -> awaitQuietly(100, 10_000));

        Thread.sleep(100);
        assertThat(waiter).isNotDone();
        marks.idle("dml_0");

        assertThat(waiter.get(5, TimeUnit.SECONDS)).isEqualTo(300);
    }

    @Test
    void noChannelNoTick() {
        assertThat(marks.safe()).isZero();
    }

    private void store(String channel, String id, long safeTick) {
        marks.acknowledged(position(channel, id), safeTick);
        marks.stored(List.of(position(channel, id)));
    }

    private long awaitQuietly(long beyond, long timeoutMillis) {
        try {
            return marks.awaitAcknowledged(beyond, timeoutMillis);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ChannelPosition position(String channel, String id) {
        return new ChannelPosition(channel, id, 0);
    }
}
