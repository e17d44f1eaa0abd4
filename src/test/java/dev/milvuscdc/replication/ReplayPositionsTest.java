package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChannelPosition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayPositionsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T22:00:00Z");

    private static ChannelPosition at(String channel, Instant sourceTime) {
        return new ChannelPosition(channel, "AAAAAAAAAAA=", sourceTime.toEpochMilli() << 18);
    }

    @Test
    void encodedPositionsDecodeToTheSame() {
        Map<String, ChannelPosition> positions = Map.of("dml_0", at("dml_0", NOW.minusSeconds(30)));
        assertThat(ReplayPositions.decode(ReplayPositions.encode(positions))).isEqualTo(positions);
        assertThat(ReplayPositions.decode("dml_0\tx")).as("malformed").isEmpty();
    }

    @Test
    void describesTheOldestPositionsSourceTimeAndTheChannelsReadAgainFromTheirBeginning() {
        List<ChannelPosition> from = List.of(at("dml_0", NOW.minusSeconds(12 * 60)), at("dml_1", NOW.minusSeconds(47 * 60 + 5)),
                new ChannelPosition("dml_2", "AAAAAAAAAAA=", 0));
        assertThat(ReplayPositions.describe(from, NOW))
                .isEqualTo("from the changes after source time 2026-12-01T21:12:55Z (47 minutes ago), and dml_2 from"
                        + " where it began to read them");
    }

    @Test
    void positionsWithoutTimeAreTheChannelsBeginning() {
        assertThat(ReplayPositions.describe(List.of(new ChannelPosition("dml_0", "AAAAAAAAAAA=", 0)), NOW))
                .isEqualTo("from where it began to read its channels");
    }
}
