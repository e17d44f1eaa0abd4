package dev.milvuscdc.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChannelPosition;
import java.util.List;
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
    void noChannelNoTick() {
        assertThat(marks.safe()).isZero();
    }

    private static ChannelPosition position(String channel, String id) {
        return new ChannelPosition(channel, id, 0);
    }
}
