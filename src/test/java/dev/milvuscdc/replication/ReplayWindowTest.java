package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChannelPosition;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayWindowTest {

    private static final Duration WINDOW = Duration.ofMinutes(12);
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @Test
    void aTaskYoungerThanTheWindowReadsAgainFromWhereItBeganEachChannel() {
        ReplayWindow<ChannelPosition> window = new ReplayWindow<>(WINDOW, Map.of());
        window.opened("dml_0", at("dml_0", "1"));
        window.record(T0, Map.of("dml_0", at("dml_0", "5")));
        window.opened("dml_1", at("dml_1", "40"));
        window.record(T0.plusSeconds(60), Map.of("dml_0", at("dml_0", "9"), "dml_1", at("dml_1", "44")));

        assertThat(window.replayFrom(T0.plusSeconds(120))).isEqualTo(Map.of("dml_0", at("dml_0", "1"), "dml_1", at("dml_1", "40")));
    }

    @Test
    void anOlderTaskReadsAgainFromWhereItStoodAWindowAgo() {
        ReplayWindow<ChannelPosition> window = new ReplayWindow<>(WINDOW, Map.of());
        window.opened("dml_0", at("dml_0", "1"));
        for (int minute = 0; minute <= 30; minute++) {
            window.record(T0.plusSeconds(60L * minute), Map.of("dml_0", at("dml_0", Integer.toString(100 + minute))));
        }

        assertThat(window.replayFrom(T0.plusSeconds(60L * 30)).get("dml_0").messageId())
                .as("where it stood at minute 18, 12 minutes before minute 30").isEqualTo("118");
    }

    @Test
    void whatAnEarlierRunPublishedCountsAsOldEnough() {
        ReplayWindow<ChannelPosition> window = new ReplayWindow<>(WINDOW, Map.of("dml_0", at("dml_0", "3")));
        window.opened("dml_0", at("dml_0", "50"));
        window.record(T0, Map.of("dml_0", at("dml_0", "60")));

        assertThat(window.replayFrom(T0.plusSeconds(5)).get("dml_0").messageId()).isEqualTo("3");
    }

    @Test
    void positionsSurviveTheTaskCatalog() {
        Map<String, ChannelPosition> positions = Map.of("by-dev-rootcoord-dml_0", new ChannelPosition("by-dev-rootcoord-dml_0", "AQAAAAAAAAA=", 42L));

        assertThat(ReplayPositions.decode(ReplayPositions.encode(positions))).isEqualTo(positions);
        assertThat(ReplayPositions.decode("")).isEmpty();
        assertThat(ReplayPositions.decode("garbage")).isEmpty();
    }

    private static ChannelPosition at(String channel, String messageId) {
        return new ChannelPosition(channel, messageId, 0);
    }
}
