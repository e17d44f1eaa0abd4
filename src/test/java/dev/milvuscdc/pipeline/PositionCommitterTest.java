package dev.milvuscdc.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.event.ChannelPosition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PositionCommitterTest {

    private final List<List<ChannelPosition>> written = new ArrayList<>();
    private boolean failNext;

    private final PositionCommitter committer = new PositionCommitter(
            Map.of("a", new ChannelPosition("a", "stored", 1)), this::write);

    @Test
    void startsFromTheStoredPositionsAndWritesNothingUntilSomethingIsAcknowledged() {
        committer.flush();

        assertThat(written).isEmpty();
        assertThat(committer.positions()).containsOnlyKeys("a");
    }

    @Test
    void writesOnlyTheLatestAcknowledgedPositionPerChannel() {
        committer.acknowledged(new ChannelPosition("a", "1", 10));
        committer.acknowledged(new ChannelPosition("a", "2", 20));
        committer.acknowledged(new ChannelPosition("b", "5", 15));

        committer.flush();
        committer.flush();

        assertThat(written).hasSize(1);
        assertThat(written.get(0)).extracting(ChannelPosition::messageId).containsExactlyInAnyOrder("2", "5");
        assertThat(committer.positions().get("a").messageId()).isEqualTo("2");
    }

    @Test
    void aFailedWriteIsRetriedOnTheNextFlushWithoutLosingNewerPositions() {
        committer.acknowledged(new ChannelPosition("a", "1", 10));
        committer.acknowledged(new ChannelPosition("b", "7", 10));
        failNext = true;
        assertThatThrownBy(committer::flush).isInstanceOf(IllegalStateException.class);

        committer.acknowledged(new ChannelPosition("a", "3", 30));
        committer.flush();

        assertThat(written).hasSize(1);
        assertThat(written.get(0)).extracting(ChannelPosition::messageId).containsExactlyInAnyOrder("3", "7");
    }

    private void write(Collection<ChannelPosition> positions) {
        if (failNext) {
            failNext = false;
            throw new IllegalStateException("store down");
        }
        written.add(List.copyOf(positions));
    }
}
