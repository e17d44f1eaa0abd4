package dev.milvuscdc.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.milvuscdc.rig.MilvusDriver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * Compares the target with the source, collection by collection: every key and every field (the
 * driver's {@code dump}), and {@code count(*)}, since a query merges rows that share a primary key
 * and a dump alone hides a duplicated row. The source is read once, when it is quiet; the target is
 * read until it equals that or the time is up, and then what differs is described per collection.
 */
final class ReplicaComparison {

    private static final Duration POLL = Duration.ofSeconds(5);
    private static final int EXAMPLES = 5;

    /** One side of a collection: its rows by key and its {@code count(*)}. */
    private record Rows(JsonNode dump, long count) {
    }

    private final MilvusDriver source;
    private final MilvusDriver target;
    private final List<ChaosCollection> collections;
    private final Map<ChaosCollection, Rows> expected = new LinkedHashMap<>();
    private final Map<ChaosCollection, List<String>> missingKeys = new LinkedHashMap<>();
    private String progress = "";
    private long countsMovedAt;

    ReplicaComparison(MilvusDriver source, MilvusDriver target, List<ChaosCollection> collections) {
        this.source = source;
        this.target = target;
        this.collections = collections;
    }

    /**
     * Reads the source's rows once its counts stay the same over two reads in a row: a write the
     * source refused at the client may still land a moment later.
     */
    void readSourceWhenQuiet(Duration atMost) {
        long start = System.nanoTime();
        AtomicReference<List<Long>> last = new AtomicReference<>();
        await("the source to be quiet").atMost(atMost).pollInterval(POLL).ignoreExceptions().until(() -> {
            List<Long> now = collections.stream().map(c -> source.run("count", c.args()).get("count").asLong()).toList();
            return now.equals(last.getAndSet(now));
        });
        System.out.printf("chaos: the source was quiet after %d s%n", seconds(start));
        for (ChaosCollection collection : collections) {
            Rows rows = new Rows(source.run("dump", collection.args()), source.run("count", collection.args()).get("count").asLong());
            if (rows.dump().get("count").asLong() != rows.count()) {
                System.out.printf("chaos: note: the source's %s holds %d rows under %d keys%n", collection, rows.count(),
                        rows.dump().get("count").asLong());
            }
            expected.put(collection, rows);
        }
        System.out.printf("chaos: source read in %d s: %s%n", seconds(start), expected.entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue().count() + " rows").collect(Collectors.joining(", ")));
    }

    /**
     * Waits until the target equals the source read before, for at most {@code atMost}, or until the
     * target's counts have stood still for {@code stalled}; returns what still differs then.
     */
    List<String> awaitTargetEqualsSource(Duration atMost, Duration stalled) {
        long start = System.nanoTime();
        countsMovedAt = start;
        AtomicBoolean equal = new AtomicBoolean();
        try {
            await("the target to equal the source").atMost(atMost).pollInterval(POLL).until(() -> {
                equal.set(targetEqualsSource());
                return equal.get() || System.nanoTime() - countsMovedAt >= stalled.toNanos();
            });
        } catch (ConditionTimeoutException e) {
            // what differs is described below
        }
        if (equal.get()) {
            System.out.printf("chaos: the target equals the source after %d s%n", seconds(start));
            return List.of();
        }
        List<String> differences = differences();
        System.out.printf("chaos: after %d s (its counts unchanged for the last %d s) the target %s%n", seconds(start),
                seconds(countsMovedAt), differences.isEmpty() ? "equals the source at last" : "still differs from the source");
        return differences;
    }

    /**
     * Releases and loads every collection on the target, so that a query reads what the target
     * holds. Measured on the rig (docs/rig.md): a Milvus 2.3.5 target stopped during writes answers,
     * after its restart, as Loaded but from a part of its rows (10,700 of 279,200 acknowledged rows
     * written directly, no CDC involved) until the collection is released and loaded again. A
     * collection the target lacks is left to the comparison after, which names it (a seed whose task
     * had paused ended here with an exception instead of its report).
     */
    void reloadTarget() {
        for (ChaosCollection collection : collections) {
            target.tryRun("release", collection.args());
            target.tryRun("load", collection.args());
        }
        progress = "";
    }

    private boolean targetEqualsSource() {
        Map<ChaosCollection, Long> counts = new LinkedHashMap<>();
        collections.forEach(c -> counts.put(c, target.tryRun("count", c.args()).path("count").asLong(-1)));
        if (collections.stream().anyMatch(c -> counts.get(c) != expected.get(c).count())) {
            String now = counts.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + "/" + expected.get(e.getKey()).count())
                    .collect(Collectors.joining(", "));
            if (!now.equals(progress)) {
                System.out.println("chaos: target/source rows: " + now);
                progress = now;
                countsMovedAt = System.nanoTime();
            }
            return false;
        }
        return collections.stream().allMatch(c -> target.tryRun("dump", c.args()).equals(expected.get(c).dump()));
    }

    /** One line per collection that differs: counts, missing, extra and different keys with a few examples. */
    private List<String> differences() {
        List<String> lines = new ArrayList<>();
        for (ChaosCollection collection : collections) {
            Rows want = expected.get(collection);
            JsonNode dump = target.tryRun("dump", collection.args());
            JsonNode count = target.tryRun("count", collection.args());
            long sourceNow = source.run("count", collection.args()).get("count").asLong();
            String sourceCounts = "source " + want.count() + " rows" + (sourceNow == want.count() ? "" : " (now " + sourceNow + ")");
            if (dump.has("error")) {
                lines.add(collection + ": " + sourceCounts + "; the target cannot be read: " + dump.get("error").asText());
                continue;
            }
            Map<String, JsonNode> wanted = byKey(want.dump());
            Map<String, JsonNode> got = byKey(dump);
            List<String> missing = wanted.keySet().stream().filter(k -> !got.containsKey(k)).toList();
            missingKeys.put(collection, missing);
            List<String> extra = got.keySet().stream().filter(k -> !wanted.containsKey(k)).toList();
            List<String> different = wanted.keySet().stream()
                    .filter(k -> got.containsKey(k) && !got.get(k).equals(wanted.get(k))).toList();
            long targetCount = count.path("count").asLong(-1);
            if (missing.isEmpty() && extra.isEmpty() && different.isEmpty() && targetCount == want.count()) {
                continue;
            }
            lines.add("%s: %s, target %d rows (count(*) %d); missing %d%s, extra %d%s, different %d%s".formatted(collection,
                    sourceCounts, got.size(), targetCount, missing.size(), examples(missing), extra.size(), examples(extra),
                    different.size(), different.isEmpty() ? "" : examples(different) + " in fields "
                            + differingFields(wanted.get(different.get(0)), got.get(different.get(0)))));
        }
        return lines;
    }

    /**
     * Writes the keys the target missed at the last comparison, a line per key after its collection,
     * so that a failed run's keys can be looked up in the source's log.
     */
    void writeMissingKeys(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        missingKeys.forEach((collection, keys) -> keys.forEach(key -> lines.add(collection + " " + key)));
        Files.write(file, lines);
    }

    /** The keys the target missed at the last comparison, by collection. */
    Map<ChaosCollection, List<String>> missingKeys() {
        return Map.copyOf(missingKeys);
    }

    private static long seconds(long sinceNanos) {
        return (System.nanoTime() - sinceNanos) / 1_000_000_000L;
    }

    private static Map<String, JsonNode> byKey(JsonNode dump) {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        dump.get("rows").forEach(row -> rows.put(row.get("id").toString(), row));
        return rows;
    }

    private static String examples(List<String> keys) {
        return keys.isEmpty() ? "" : " (e.g. " + String.join(", ", keys.subList(0, Math.min(EXAMPLES, keys.size()))) + ")";
    }

    private static List<String> differingFields(JsonNode wanted, JsonNode got) {
        List<String> fields = new ArrayList<>();
        for (Iterator<String> names = wanted.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!Objects.equals(wanted.get(name), got.get(name))) {
                fields.add(name);
            }
        }
        return fields;
    }
}
