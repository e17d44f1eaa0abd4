package dev.milvuscdc.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import dev.milvuscdc.rig.MilvusDriver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

/**
 * Writes to one source collection on a thread of its own, as an application would while faults hit
 * the CDC: batches of new rows, upserts of live rows and deletes of some of them, chosen by a seeded
 * random. The collection is created when the writer starts or at a later planned moment, and one
 * partition may be created mid-stream and written to.
 *
 * <p>What the source holds in the end is the truth the target is compared with, so a write the
 * source refuses (while Kafka is down) is counted and the writer goes on. Stopping waits until the
 * planned DDL is done and a write after it succeeded, so that every planned object is compared.
 */
final class CollectionWriter implements AutoCloseable {

    private static final String DEFAULT_PARTITION = "";
    private static final int WRITE_TIMEOUT_SECONDS = 30;
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);
    private static final int MAX_ERROR_CHARS = 300;

    /** @param partition a partition to create at {@code partitionAt}, or null */
    record Plan(ChaosCollection collection, Duration createAt, String partition, Duration partitionAt) {
    }

    private final Plan plan;
    private final long liveCap;
    private final Random random;
    private final long epoch;
    private final MilvusDriver driver = MilvusDriver.source();
    /** Keys the source holds as far as this writer knows, by partition. */
    private final Map<String, List<Long>> live = new LinkedHashMap<>();
    private final Map<String, int[]> outcomes = new TreeMap<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<Throwable> crash = new AtomicReference<>();
    private final Thread thread;
    private volatile String lastError = "none";
    private long nextKey = 1;
    private int version;
    private boolean partitionCreated;
    private boolean wroteAfterDdl;

    /**
     * @param liveCap beyond this many live rows the writer deletes more than it inserts, so that a
     *                long soak compares a bounded number of rows
     * @param epoch   {@link System#nanoTime()} at which the plan's moments start
     */
    CollectionWriter(Plan plan, long seed, long liveCap, long epoch) {
        this.plan = plan;
        this.liveCap = liveCap;
        this.random = new Random(seed);
        this.epoch = epoch;
        live.put(DEFAULT_PARTITION, new ArrayList<>());
        thread = new Thread(this::write, "chaos-writer-" + plan.collection().name());
        thread.start();
    }

    ChaosCollection collection() {
        return plan.collection();
    }

    private void write() {
        try {
            waitUntil(plan.createAt());
            createCollection();
            partitionCreated = plan.partition() == null;
            while (stopRequested.getCount() > 0 || !partitionCreated || !wroteAfterDdl) {
                if (!partitionCreated && (elapsed().compareTo(plan.partitionAt()) >= 0 || stopRequested.getCount() == 0)) {
                    partitionCreated = attempt("create_partition", plan.collection().args("partition", plan.partition())) != null;
                    if (partitionCreated) {
                        live.put(plan.partition(), new ArrayList<>());
                    }
                }
                boolean ok = writeOnce();
                // Pacing keeps the machine busy but not saturated by the writers alone.
                stopRequested.await(ok ? 100 + random.nextInt(300) : 1000, TimeUnit.MILLISECONDS);
            }
        } catch (Throwable e) {
            crash.set(e);
        }
    }

    /** Creates the collection, its index and loads it, retried until the source accepts all three. */
    private void createCollection() throws InterruptedException {
        Map<String, Object> args = plan.collection().args("shards", plan.collection().shards());
        while (attempt("create_collection", args) == null || attempt("create_index", args) == null
                || attempt("load", args) == null) {
            Thread.sleep(1000);
        }
    }

    /** One insert, upsert or delete; true when the source accepted it. */
    private boolean writeOnce() {
        String partition = pickPartition();
        List<Long> keys = live.get(partition);
        long total = live.values().stream().mapToLong(List::size).sum();
        int dice = random.nextInt(10);
        if (!keys.isEmpty() && (dice >= 8 || total > liveCap)) {
            return delete(partition, keys);
        }
        if (!keys.isEmpty() && dice >= 6 && !plan.collection().autoId()) {
            return upsert(partition, keys);
        }
        return insert(partition);
    }

    private boolean insert(String partition) {
        int count = 50 + random.nextInt(151);
        List<Long> ids = LongStream.range(nextKey, nextKey + count).boxed().toList();
        nextKey += count;
        JsonNode result = attempt("insert", withPartition(partition, "ids", ids));
        if (result == null) {
            return false;
        }
        if (plan.collection().autoId()) {
            result.get("primary_keys").forEach(k -> live.get(partition).add(k.asLong()));
        } else {
            live.get(partition).addAll(ids);
        }
        wroteAfterDdl |= partitionCreated && (plan.partition() == null || partition.equals(plan.partition()));
        return true;
    }

    private boolean upsert(String partition, List<Long> keys) {
        List<Long> ids = sample(keys, 1 + random.nextInt(30), false);
        return attempt("upsert", withPartition(partition, "ids", ids, "version", ++version)) != null;
    }

    private boolean delete(String partition, List<Long> keys) {
        int count = keys.size() > liveCap / 2 ? 200 : 1 + random.nextInt(30);
        List<Long> ids = sample(keys, count, true);
        if (attempt("delete", withPartition(partition, "ids", ids)) != null) {
            return true;
        }
        keys.addAll(ids);
        return false;
    }

    /** Up to {@code count} distinct random keys of {@code keys}; with {@code remove}, taken out of it. */
    private List<Long> sample(List<Long> keys, int count, boolean remove) {
        List<Long> picked = new ArrayList<>();
        List<Long> from = remove ? keys : new ArrayList<>(keys);
        for (int i = 0; i < count && !from.isEmpty(); i++) {
            int at = random.nextInt(from.size());
            picked.add(from.get(at));
            from.set(at, from.get(from.size() - 1));
            from.remove(from.size() - 1);
        }
        return picked;
    }

    private String pickPartition() {
        if (!partitionCreated || plan.partition() == null) {
            return DEFAULT_PARTITION;
        }
        return random.nextBoolean() ? plan.partition() : DEFAULT_PARTITION;
    }

    private Map<String, Object> withPartition(String partition, Object... keyValues) {
        Map<String, Object> args = plan.collection().args(keyValues);
        args.put("timeout", WRITE_TIMEOUT_SECONDS);
        if (!partition.equals(DEFAULT_PARTITION)) {
            args.put("partition", partition);
        }
        return args;
    }

    /** Runs one driver operation; returns its result, or null when the source refused it. */
    private JsonNode attempt(String op, Map<String, Object> args) {
        JsonNode result = driver.tryRun(op, args);
        boolean ok = !result.has("error");
        outcomes.computeIfAbsent(op, o -> new int[2])[ok ? 0 : 1]++;
        if (!ok) {
            String error = result.get("error").asText().replaceAll("\\s+", " ");
            lastError = op + ": " + error.substring(0, Math.min(error.length(), MAX_ERROR_CHARS));
        }
        return ok ? result : null;
    }

    private void waitUntil(Duration moment) throws InterruptedException {
        long left = moment.minus(elapsed()).toMillis();
        if (left > 0) {
            stopRequested.await(left, TimeUnit.MILLISECONDS);
        }
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - epoch);
    }

    /** What the writer did: per operation, how many the source accepted and refused; read it after {@link #close}. */
    String summary() {
        StringBuilder text = new StringBuilder(plan.collection().toString()).append(":");
        outcomes.forEach((op, n) -> text.append(' ').append(op).append(' ').append(n[0])
                .append(n[1] > 0 ? " (" + n[1] + " refused)" : ""));
        long refused = outcomes.values().stream().mapToLong(n -> n[1]).sum();
        return refused > 0 ? text.append("; last refusal: ").append(lastError).toString() : text.toString();
    }

    /** Stops after the write in flight and the planned DDL; fails when the writer crashed or cannot finish. */
    @Override
    public void close() throws InterruptedException {
        stopRequested.countDown();
        thread.join(STOP_TIMEOUT.toMillis());
        driver.close();
        if (thread.isAlive()) {
            throw new AssertionError("the writer of " + plan.collection() + " could not finish its planned writes on the"
                    + " source within " + STOP_TIMEOUT.toMinutes() + " min; last refusal: " + lastError);
        }
        if (crash.get() != null) {
            throw new AssertionError("the writer of " + plan.collection() + " crashed", crash.get());
        }
    }
}
