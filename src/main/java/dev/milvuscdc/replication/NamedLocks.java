package dev.milvuscdc.replication;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One lock per target object name: creating, adopting and dropping the object under one name never
 * interleave, while work on other names goes on. Target calls and their retries may run under a
 * name's lock; only work on the same name waits for them. Thread-safe.
 */
final class NamedLocks {

    /** Work done under a lock; may wait for the target and be interrupted. */
    interface Work<T> {
        T run() throws InterruptedException;
    }

    private final ConcurrentMap<String, ReentrantLock> locks = new ConcurrentHashMap<>();

    <T> T withLock(String name, Work<T> work) throws InterruptedException {
        ReentrantLock lock = locks.computeIfAbsent(name, n -> new ReentrantLock());
        lock.lockInterruptibly();
        try {
            return work.run();
        } finally {
            lock.unlock();
        }
    }
}
