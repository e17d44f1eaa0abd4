package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import io.milvus.grpc.IDs;
import io.milvus.grpc.LongArray;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelLagTest {

    private static final long T0 = 1_764_600_000_000L;

    private static LogMessage delete(long sourceMillis) {
        long ts = sourceMillis << 18;
        return new LogMessage(new ChannelPosition("dml_0", "1", ts), new ChangeEvent.Delete(1, 2, "_default",
                IDs.newBuilder().setIntId(LongArray.newBuilder().addData(7)).build(), ts));
    }

    private static LogMessage tick(long sourceMillis) {
        long ts = sourceMillis << 18;
        return new LogMessage(new ChannelPosition("dml_0", "2", ts), new ChangeEvent.TimeTick(ts));
    }

    @Test
    void ticksAloneLeaveNoLag() {
        ChannelLag lag = new ChannelLag();
        assertThat(lag.seconds(T0)).isZero();
        lag.read(List.of(tick(T0 - 60_000), tick(T0 - 59_800)), false);
        assertThat(lag.seconds(T0)).as("an idle source ticks; the target holds everything").isZero();
    }

    @Test
    void anUnheldChangeCountsFromItsSourceTimeUntilHeld() {
        ChannelLag lag = new ChannelLag();
        LogMessage first = delete(T0 - 5_000);
        LogMessage second = delete(T0 - 2_000);
        lag.read(List.of(first, second, tick(T0 - 1_000)), false);
        assertThat(lag.seconds(T0)).isEqualTo(5.0);
        assertThat(lag.seconds(T0 + 3_000)).as("grows with the clock while unheld").isEqualTo(8.0);
        lag.held(List.of(first));
        assertThat(lag.seconds(T0)).isEqualTo(2.0);
        lag.held(List.of(second));
        assertThat(lag.seconds(T0)).isZero();
    }

    @Test
    void aLogHoldingMoreThanWasReadCountsFromTheLastMessageRead() {
        ChannelLag lag = new ChannelLag();
        lag.read(List.of(tick(T0 - 30_000)), true);
        assertThat(lag.seconds(T0)).isEqualTo(30.0);
        lag.read(List.of(tick(T0 - 100)), false);
        assertThat(lag.seconds(T0)).isZero();
    }

    @Test
    void aStoppedChannelGrowsFromWhereItStood() {
        ChannelLag caughtUp = new ChannelLag();
        caughtUp.stopped(T0);
        assertThat(caughtUp.seconds(T0 + 10_000)).as("nothing is known of what the source wrote since").isEqualTo(10.0);

        ChannelLag behind = new ChannelLag();
        behind.read(List.of(delete(T0 - 4_000)), false);
        behind.stopped(T0);
        assertThat(behind.seconds(T0 + 1_000)).isEqualTo(5.0);
        behind.stopped(T0 + 1_000);
        assertThat(behind.seconds(T0 + 1_000)).as("a second stop changes nothing").isEqualTo(5.0);
    }
}
