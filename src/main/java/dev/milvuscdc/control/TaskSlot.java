package dev.milvuscdc.control;

import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskRunner;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The control plane's hold on one task id: the fair lock that puts the task's requests and fault
 * reports in one line (in the order they arrive), the runner started for the task, and what the
 * holder of the lock is doing, for a request that gives up waiting. The runner and the activity
 * change only under the lock and are read without it ({@code position}, busy answers).
 */
final class TaskSlot {

    /** A started runner, the generation its fault reports carry and the hold it runs under. */
    record LiveRunner(TaskRunner runner, long generation, Fence hold, long attachedAt) {
    }

    private final String taskId;
    private final ReentrantLock lock = new ReentrantLock(true);
    private volatile LiveRunner live;
    private volatile String activity = "";
    private volatile long activitySince = System.nanoTime();
    private boolean retired;

    TaskSlot(String taskId) {
        this.taskId = taskId;
    }

    String taskId() {
        return taskId;
    }

    boolean tryLock(long waitNanos) throws InterruptedException {
        return lock.tryLock(Math.max(waitNanos, 0), TimeUnit.NANOSECONDS);
    }

    void lockInterruptibly() throws InterruptedException {
        lock.lockInterruptibly();
    }

    void unlock() {
        activity = "";
        lock.unlock();
    }

    /** Records what the lock's holder does now: a waiting request names it when it gives up. */
    void doing(String what) {
        activity = what;
        activitySince = System.nanoTime();
    }

    /** What the lock's holder is doing and for how long, e.g. {@code "pause: stopping its runner for 16 s"}. */
    String activity() {
        String what = activity;
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - activitySince);
        return (what.isEmpty() ? "an earlier request" : what) + " for " + seconds + " s";
    }

    void attach(TaskRunner runner, long generation, Fence hold) {
        live = new LiveRunner(runner, generation, hold, System.nanoTime());
    }

    void detach() {
        live = null;
    }

    Optional<TaskRunner> runner() {
        LiveRunner current = live;
        return current == null ? Optional.empty() : Optional.of(current.runner());
    }

    /** The hold the runner runs under; empty without a runner. */
    Optional<Fence> hold() {
        LiveRunner current = live;
        return current == null ? Optional.empty() : Optional.of(current.hold());
    }

    /** Whether the runner running now started after {@code nanoTime} ({@link System#nanoTime()}). */
    boolean attachedAfter(long nanoTime) {
        LiveRunner current = live;
        return current != null && current.attachedAt() - nanoTime > 0;
    }

    /** Whether the runner of this generation is the one running now: reports of replaced runners are ignored. */
    boolean runs(long generation) {
        LiveRunner current = live;
        return current != null && current.generation() == generation;
    }

    boolean retired() {
        return retired;
    }

    void retire() {
        retired = true;
    }
}
