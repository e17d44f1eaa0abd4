package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Positions as one task-catalog value: a line per channel, {@code channel<TAB>message id<TAB>timestamp}. */
final class ReplayPositions {

    private ReplayPositions() {
    }

    static String encode(Map<String, ChannelPosition> positions) {
        return positions.values().stream()
                .map(p -> p.channel() + "\t" + p.messageId() + "\t" + p.timestamp())
                .collect(Collectors.joining("\n"));
    }

    /** The positions of an {@link #encode}d value; empty for an empty or malformed one (then there is nothing old enough). */
    static Map<String, ChannelPosition> decode(String value) {
        Map<String, ChannelPosition> positions = new LinkedHashMap<>();
        for (String line : value.split("\n")) {
            String[] parts = line.split("\t");
            if (parts.length != 3) {
                return Map.of();
            }
            try {
                positions.put(parts[0], new ChannelPosition(parts[0], parts[1], Long.parseLong(parts[2])));
            } catch (NumberFormatException e) {
                return Map.of();
            }
        }
        return positions;
    }

    /**
     * Where a replay from these positions begins, for the operator: the source time of the oldest
     * of them. After target outages in quick succession it lies further back than the window, since
     * what was written again after one outage may be lost by the next.
     */
    static String describe(Collection<ChannelPosition> from, Instant now) {
        long oldest = from.stream().mapToLong(ChannelPosition::physicalMillis).filter(ms -> ms > 0).min().orElse(0);
        if (oldest == 0) {
            return "from where it began to read its channels";
        }
        Instant at = Instant.ofEpochMilli(oldest);
        String timed = "from the changes after source time " + at.truncatedTo(ChronoUnit.SECONDS) + " ("
                + Duration.between(at, now).toMinutes() + " minutes ago)";
        // A channel's beginning (before a collection's first message there) carries no source time.
        List<String> fromBeginning = from.stream().filter(p -> p.physicalMillis() <= 0).map(ChannelPosition::channel)
                .sorted().toList();
        return fromBeginning.isEmpty() ? timed
                : timed + ", and " + String.join(", ", fromBeginning) + " from where it began to read them";
    }
}
