package dev.milvuscdc.pipeline;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.MDC;

/**
 * Keeps several target calls of one channel in flight while the order that matters holds: a call
 * starts only once no call in flight touches one of its keys, so two changes of one row reach the
 * target in the source's order, while changes of different rows overlap. A target Milvus spreads
 * concurrent calls over its cores and its slow calls do not stall the others; one call at a time
 * leaves them idle (docs/performance.md).
 *
 * <p>Calls are numbered as they are submitted; {@link #completedThrough()} is the highest number up
 * to which every call succeeded, which is how far the channel's position may advance. Changes that
 * are not keyed by rows (DDL, index and load operations) {@link #drain()} first. The first failure
 * of a call is rethrown to the submitting thread by its next call into the pipeline, and no later
 * number counts as completed, so the position stays before the failed call. One pipeline belongs to
 * one channel worker thread; its calls run on threads of their own.
 */
public final class CallPipeline implements AutoCloseable {

    /** One target call, retried inside as needed. */
    public interface Call {
        void run() throws InterruptedException;
    }

    private final int maxInFlight;
    private final Map<String, String> logContext;
    private final ExecutorService pool;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    /** Per scope (a collection), how many calls in flight touch each key. */
    private final Map<Object, Map<Object, Integer>> keysInFlight = new HashMap<>();
    private final TreeSet<Long> completedOutOfOrder = new TreeSet<>();
    private int inFlight;
    private long submitted;
    private long completedThrough;
    private Throwable failure;

    /** @param logContext the submitting thread's log context (task id), given to the call threads */
    public CallPipeline(String threadName, int maxInFlight, Map<String, String> logContext) {
        if (maxInFlight < 1) {
            throw new IllegalArgumentException("maxInFlight must be at least 1");
        }
        this.maxInFlight = maxInFlight;
        this.logContext = Map.copyOf(logContext);
        AtomicInteger count = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(maxInFlight, runnable -> {
            Thread thread = new Thread(runnable, threadName + "-call-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Starts {@code call} once fewer than the maximum are in flight and none of them touches one of
     * {@code keys} within {@code scope}; returns its number.
     */
    public long submit(Object scope, Collection<?> keys, Call call) throws InterruptedException {
        long number;
        lock.lock();
        try {
            while (failure == null && (inFlight >= maxInFlight || touchesKeyInFlight(scope, keys))) {
                changed.await();
            }
            rethrowFailure();
            number = ++submitted;
            inFlight++;
            Map<Object, Integer> scoped = keysInFlight.computeIfAbsent(scope, s -> new HashMap<>());
            keys.forEach(key -> scoped.merge(key, 1, Integer::sum));
        } finally {
            lock.unlock();
        }
        pool.execute(() -> run(number, scope, keys, call));
        return number;
    }

    /** Waits until every call submitted so far has ended; rethrows the first failure. */
    public void drain() throws InterruptedException {
        lock.lock();
        try {
            while (failure == null && inFlight > 0) {
                changed.await();
            }
            rethrowFailure();
        } finally {
            lock.unlock();
        }
    }

    /** The number of the last call submitted; 0 before the first. */
    public long submitted() {
        lock.lock();
        try {
            return submitted;
        } finally {
            lock.unlock();
        }
    }

    /** The highest number up to which every call has succeeded; rethrows the first failure. */
    public long completedThrough() throws InterruptedException {
        lock.lock();
        try {
            rethrowFailure();
            return completedThrough;
        } finally {
            lock.unlock();
        }
    }

    /** Interrupts the calls in flight. */
    @Override
    public void close() {
        pool.shutdownNow();
    }

    private void run(long number, Object scope, Collection<?> keys, Call call) {
        MDC.setContextMap(logContext);
        Throwable failed = null;
        try {
            call.run();
        } catch (Throwable t) {
            failed = t;
        }
        lock.lock();
        try {
            inFlight--;
            Map<Object, Integer> scoped = keysInFlight.get(scope);
            keys.forEach(key -> scoped.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1));
            if (scoped.isEmpty()) {
                keysInFlight.remove(scope);
            }
            if (failed != null) {
                failure = failure == null ? failed : failure;
            } else {
                completedOutOfOrder.add(number);
                while (completedOutOfOrder.remove(completedThrough + 1)) {
                    completedThrough++;
                }
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private boolean touchesKeyInFlight(Object scope, Collection<?> keys) {
        Map<Object, Integer> scoped = keysInFlight.get(scope);
        return scoped != null && keys.stream().anyMatch(scoped::containsKey);
    }

    private void rethrowFailure() throws InterruptedException {
        if (failure instanceof InterruptedException interrupted) {
            throw new InterruptedException("a target call was stopped: " + interrupted.getMessage());
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }
}
