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
 * random. The collection is created at a planned moment (the start, or mid-stream), written to until
 * a planned end or until stopped, and partitions {@code p1, p2, ...} may be created at planned
 * moments and written to.
 *
 * <p>What the source holds in the end is the truth the target is compared with, so a write the
 * source refuses (while Kafka is down) is counted and the writer goes on. The writer finishes only
 * once the collection and each partition it created have had a write accepted after their creation,
 * so that every object it created is compared with rows in it.
 */
final class CollectionWriter implements AutoCloseable {

    private static final String DEFAULT_PARTITION = "";
    private static final int WRITE_TIMEOUT_SECONDS = 30;
    private static final Duration STOP_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration REFUSED_PAUSE = Duration.ofSeconds(1);
    private static final int MAX_ERROR_CHARS = 300;

    /**
     * @param stopAt     when to stop writing, or null to write until stopped
     * @param partitions when to create partitions p1, p2, ... (ascending)
     */
    record Plan(ChaosCollection collection, Duration createAt, Duration stopAt, List<Duration> partitions) {
    }

    private final Plan plan;
    private final long liveCap;
    private final Random random;
    private final long epoch;
    /** Keys the source holds as far as this writer knows, by partition. */
    private final Map<String, List<Long>> live = new LinkedHashMap<>();
    private final Map<String, int[]> outcomes = new TreeMap<>();
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final AtomicReference<Throwable> crash = new AtomicReference<>();
    private final Thread thread;
    private MilvusDriver driver;
    private volatile String lastError = "none";
    private long nextKey = 1;
    private int version;
    /** The partition created last, which the next insert goes to; the default one until then. */
    private String newest = DEFAULT_PARTITION;
    private boolean wroteToNewest;

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

    private void write() {
        try {
            waitUntil(plan.createAt());
            driver = MilvusDriver.source();
            createCollection();
            while ((!finishing() || !wroteToNewest) && !Thread.currentThread().isInterrupted()) {
                if (!finishing() && partitionDue()) {
                    createPartition();
                }
                boolean ok = writeOnce();
                pause(ok);
            }
        } catch (Throwable e) {
            crash.set(e);
        } finally {
            if (driver != null) {
                driver.close();
            }
        }
    }

    /**
     * Pacing keeps the machine busy but not saturated by the writers alone. Once stopping, the latch no
     * longer waits, so a refused write owed before the end waits by sleeping: a CI run once spun at 500
     * refused calls a second on a dropped database, starving the rest of the tests.
     */
    private void pause(boolean ok) throws InterruptedException {
        if (!ok) {
            Thread.sleep(REFUSED_PAUSE.toMillis());
        } else if (!finishing()) {
            stopRequested.await(100 + random.nextInt(300), TimeUnit.MILLISECONDS);
        }
    }

    private boolean finishing() {
        return stopRequested.getCount() == 0 || (plan.stopAt() != null && elapsed().compareTo(plan.stopAt()) >= 0);
    }

    private boolean partitionDue() {
        int created = live.size() - 1;
        return created < plan.partitions().size() && elapsed().compareTo(plan.partitions().get(created)) >= 0;
    }

    /** Creates the collection, its index and loads it, retried until the source accepts all three. */
    private void createCollection() throws InterruptedException {
        Map<String, Object> args = plan.collection().args("shards", plan.collection().shards());
        while (attempt("create_collection", args) == null || attempt("create_index", args) == null
                || attempt("load", args) == null) {
            Thread.sleep(1000);
        }
    }

    private void createPartition() {
        String partition = "p" + live.size();
        if (attempt("create_partition", plan.collection().args("partition", partition)) != null) {
            live.put(partition, new ArrayList<>());
            newest = partition;
            wroteToNewest = false;
        }
    }

    /** One insert, upsert or delete; true when the source accepted it. */
    private boolean writeOnce() {
        String partition = wroteToNewest ? pickPartition() : newest;
        List<Long> keys = live.get(partition);
        long total = live.values().stream().mapToLong(List::size).sum();
        int dice = random.nextInt(10);
        if (!keys.isEmpty() && (dice >= 8 || total > liveCap)) {
            return delete(keys, partition);
        }
        if (!keys.isEmpty() && dice >= 6 && !plan.collection().autoId()) {
            return upsert(keys, partition);
        }
        return insert(partition);
    }

    private boolean insert(String partition) {
        int count = 50 + random.nextInt(151);
        List<Long> ids = LongStream.range(nextKey, nextKey + count).boxed().toList();
        nextKey += count;
        JsonNode result = attempt("insert", writeArgs(partition, "ids", ids));
        if (result == null) {
            return false;
        }
        if (plan.collection().autoId()) {
            result.get("primary_keys").forEach(k -> live.get(partition).add(k.asLong()));
        } else {
            live.get(partition).addAll(ids);
        }
        wroteToNewest |= partition.equals(newest);
        return true;
    }

    private boolean upsert(List<Long> keys, String partition) {
        List<Long> ids = sample(keys, 1 + random.nextInt(30), false);
        return attempt("upsert", writeArgs(partition, "ids", ids, "version", ++version)) != null;
    }

    private boolean delete(List<Long> keys, String partition) {
        int count = keys.size() > liveCap / 2 ? 200 : 1 + random.nextInt(30);
        List<Long> ids = sample(keys, count, true);
        if (attempt("delete", writeArgs(partition, "ids", ids)) != null) {
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
        List<String> partitions = new ArrayList<>(live.keySet());
        return partitions.get(random.nextInt(partitions.size()));
    }

    private Map<String, Object> writeArgs(String partition, Object... keyValues) {
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

    /** Stops after the write in flight and the writes still owed (see the class comment); fails when it cannot. */
    @Override
    public void close() throws InterruptedException {
        stopRequested.countDown();
        thread.join(STOP_TIMEOUT.toMillis());
        if (thread.isAlive()) {
            // It must not outlive the test: the databases it writes to are dropped next.
            thread.interrupt();
            thread.join(2L * WRITE_TIMEOUT_SECONDS * 1000);
            throw new AssertionError("the writer of " + plan.collection() + " could not finish its planned writes on the"
                    + " source within " + STOP_TIMEOUT.toMinutes() + " min; last refusal: " + lastError);
        }
        if (crash.get() != null) {
            throw new AssertionError("the writer of " + plan.collection() + " crashed", crash.get());
        }
    }
}
