package dev.milvuscdc.chaos;

import dev.milvuscdc.chaos.CollectionWriter.Plan;
import dev.milvuscdc.rig.MilvusDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * The mixed write stream of the chaos test: two source databases, one writer thread per
 * collection, with int64, VarChar and autoID keys, a partition-key collection, and collections and
 * partitions created mid-stream, all written to (one of each in a short schedule, one every minute
 * or two in a long one). The mid-stream moments are drawn from the seed within
 * the fault schedule's span, so that faults hit before and after them.
 */
final class ChaosWorkload implements AutoCloseable {

    private static final long LIVE_ROWS_PER_COLLECTION = 10_000;

    private final String name;
    private final String first;
    private final String second;
    private final List<Plan> plans = new ArrayList<>();
    private final List<CollectionWriter> writers = new ArrayList<>();
    private final long seed;

    /**
     * @param name makes the database names unique on the rig, e.g. {@code chaos1a2b3c}
     * @param span the fault schedule's planned length: partitions and collections are created within it
     */
    ChaosWorkload(String name, long seed, Duration span) {
        this.name = name;
        this.first = name + "_a";
        this.second = name + "_b";
        this.seed = seed;
        Random random = new Random(seed);
        plans.add(fromStart(new ChaosCollection(first, "ints", "basic", 2)));
        plans.add(fromStart(new ChaosCollection(first, "strings", "varchar_pk", 1)));
        plans.add(fromStart(new ChaosCollection(first, "auto", "autoid", 1)));
        plans.add(fromStart(new ChaosCollection(second, "tenants", "partition_key", 2)));
        // One collection after another is created mid-stream and written to until the next one is,
        // and a partition within two seconds of each: a burst of DDL, as an application's setup makes.
        List<Duration> late = moments(random, span);
        plans.add(new Plan(new ChaosCollection(second, "parts", "basic", 2), Duration.ZERO, null,
                late.stream().map(at -> at.plusMillis(random.nextInt(2000))).toList()));
        for (int i = 0; i < late.size(); i++) {
            Duration stopAt = i + 1 < late.size() ? late.get(i + 1) : null;
            plans.add(new Plan(new ChaosCollection(second, "late" + (i + 1), "dynamic", 1), late.get(i), stopAt, List.of()));
        }
    }

    /** Moments within the span: the first after 30 to 60 % of it, the next ones one or two minutes apart. */
    private static List<Duration> moments(Random random, Duration span) {
        List<Duration> moments = new ArrayList<>();
        Duration at = Duration.ofMillis((long) (span.toMillis() * 0.3 * (1 + random.nextDouble())));
        while (moments.isEmpty() || at.compareTo(span) < 0) {
            moments.add(at);
            at = at.plusSeconds(60 + random.nextInt(61));
        }
        return moments;
    }

    String name() {
        return name;
    }

    List<String> databases() {
        return List.of(first, second);
    }

    List<ChaosCollection> collections() {
        return plans.stream().map(Plan::collection).toList();
    }

    String describe() {
        StringBuilder text = new StringBuilder("workload: databases " + databases() + System.lineSeparator());
        for (Plan plan : plans) {
            text.append("  ").append(plan.collection()).append(" (").append(plan.collection().schema()).append(", ")
                    .append(plan.collection().shards()).append(" shards)");
            if (!plan.createAt().isZero()) {
                text.append(" created at t+").append(plan.createAt().toSeconds()).append(" s");
            }
            if (plan.stopAt() != null) {
                text.append(", written until t+").append(plan.stopAt().toSeconds()).append(" s");
            }
            if (!plan.partitions().isEmpty()) {
                text.append(", partitions created at t+").append(plan.partitions().stream()
                        .map(at -> at.toSeconds() + " s").collect(Collectors.joining(", ")));
            }
            text.append(System.lineSeparator());
        }
        return text.toString();
    }

    void createDatabases(MilvusDriver source) {
        databases().forEach(db -> source.run("create_database", Map.of("db", db)));
    }

    /** Starts every writer; the plans' moments count from now. */
    void start() {
        long epoch = System.nanoTime();
        for (int i = 0; i < plans.size(); i++) {
            writers.add(new CollectionWriter(plans.get(i), seed * 31 + i, LIVE_ROWS_PER_COLLECTION, epoch));
        }
    }

    /** Stops every writer (see {@link CollectionWriter#close}) and prints what each did. */
    @Override
    public void close() throws InterruptedException {
        AssertionError failure = null;
        for (CollectionWriter writer : writers) {
            try {
                writer.close();
            } catch (AssertionError e) {
                failure = failure == null ? e : failure;
            }
            System.out.println("chaos: writer " + writer.summary());
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static Plan fromStart(ChaosCollection collection) {
        return new Plan(collection, Duration.ZERO, null, List.of());
    }
}
