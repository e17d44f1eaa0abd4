package dev.milvuscdc.chaos;

import dev.milvuscdc.chaos.CollectionWriter.Plan;
import dev.milvuscdc.rig.MilvusDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The mixed write stream of the chaos test: two source databases, one writer thread per
 * collection, with int64, VarChar and autoID keys, a partition-key collection, a partition created
 * mid-stream and a collection created mid-stream, both written to. The mid-stream moments are drawn
 * from the seed within the fault schedule's span, so that faults hit before and after them.
 */
final class ChaosWorkload implements AutoCloseable {

    private static final long LIVE_ROWS_PER_COLLECTION = 20_000;

    private final String name;
    private final String first;
    private final String second;
    private final List<Plan> plans = new ArrayList<>();
    private final List<CollectionWriter> writers = new ArrayList<>();
    private final long seed;

    /** @param name makes the database names unique on the rig, e.g. {@code chaos1a2b3c} */
    ChaosWorkload(String name, long seed, Duration span) {
        this.name = name;
        this.first = name + "_a";
        this.second = name + "_b";
        this.seed = seed;
        Random random = new Random(seed);
        Duration partitionAt = fraction(span, 0.2 + 0.3 * random.nextDouble());
        Duration lateAt = fraction(span, 0.3 + 0.3 * random.nextDouble());
        plans.add(fromStart(new ChaosCollection(first, "ints", "basic", 2)));
        plans.add(fromStart(new ChaosCollection(first, "strings", "varchar_pk", 1)));
        plans.add(fromStart(new ChaosCollection(first, "auto", "autoid", 1)));
        plans.add(fromStart(new ChaosCollection(second, "tenants", "partition_key", 2)));
        plans.add(new Plan(new ChaosCollection(second, "parts", "basic", 2), Duration.ZERO, "p1", partitionAt));
        plans.add(new Plan(new ChaosCollection(second, "late", "dynamic", 1), lateAt, null, null));
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
            if (plan.partition() != null) {
                text.append(", partition ").append(plan.partition()).append(" created at t+")
                        .append(plan.partitionAt().toSeconds()).append(" s");
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
        return new Plan(collection, Duration.ZERO, null, null);
    }

    private static Duration fraction(Duration span, double share) {
        return Duration.ofMillis((long) (span.toMillis() * share));
    }
}
