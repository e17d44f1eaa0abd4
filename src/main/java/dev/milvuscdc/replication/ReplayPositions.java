package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import java.util.LinkedHashMap;
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
}
