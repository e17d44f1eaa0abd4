package dev.milvuscdc.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.chaos.KafkaKeyTrace.Event;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KafkaKeyTraceTest {

    /** A hybrid timestamp at this many milliseconds after the epoch the test passes. */
    private static long at(long millis) {
        return (1_000_000 + millis) << 18;
    }

    @Test
    void namesEachKeysLastWriteAndWhenItCame() {
        Map<String, List<Event>> events = Map.of(
                "1", List.of(new Event("insert", at(100), "dml_0", 1)),
                "2", List.of(new Event("insert", at(100), "dml_0", 1), new Event("insert", at(2500), "dml_0", 7),
                        new Event("delete", at(2500), "dml_0", 8)),
                "3", List.of(new Event("insert", at(100), "dml_0", 1), new Event("delete", at(4000), "dml_0", 9)));

        String lines = KafkaKeyTrace.lastWrites(Set.of("1", "2", "3", "4"), events, 1_000_000);

        assertThat(lines)
                .contains("1 last written by an insert at 0.1-0.1 s")
                .contains("1 last written by an upsert at 2.5-2.5 s")
                .contains("1 last written by a delete at 4.0-4.0 s")
                .contains("1 never written (e.g. 4: [])");
    }
}
