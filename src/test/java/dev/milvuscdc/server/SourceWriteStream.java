package dev.milvuscdc.server;

import dev.milvuscdc.rig.MilvusDriver;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;

/**
 * Writes to one source collection on a thread of its own until stopped, as an application would
 * while the operator pauses, kills or faults the CDC: batches of new rows, and with every third
 * batch an upsert of rows written before and a delete of some others. What the source holds in
 * the end is the truth the target is compared with, so the stream records nothing itself.
 */
public final class SourceWriteStream implements AutoCloseable {

    private static final int BATCH = 50;

    private final Map<String, Object> collection;
    private final MilvusDriver driver = MilvusDriver.source();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile int batches;

    public SourceWriteStream(Map<String, Object> collection) {
        this.collection = collection;
        this.thread = new Thread(this::write, "source-write-stream");
        thread.start();
    }

    int batches() {
        return batches;
    }

    private void write() {
        try {
            for (long next = 1; running; next += BATCH) {
                driver.run("insert", with("start", next, "count", BATCH));
                if (batches % 3 == 2) {
                    driver.run("upsert", with("start", next - BATCH, "count", 10, "version", batches));
                    driver.run("delete", with("ids", LongStream.range(next - 2 * BATCH, next - 2 * BATCH + 5).boxed().toList()));
                }
                batches++;
                Thread.sleep(100);
            }
        } catch (Throwable e) {
            failure.set(e);
        }
    }

    private Map<String, Object> with(Object... keyValues) {
        Map<String, Object> args = new HashMap<>(collection);
        for (int i = 0; i < keyValues.length; i += 2) {
            args.put((String) keyValues[i], keyValues[i + 1]);
        }
        return args;
    }

    /** Stops after the batch in flight; a write that failed on the source fails the test here. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join();
        driver.close();
        if (failure.get() != null) {
            throw new AssertionError("the source write stream failed", failure.get());
        }
    }
}
