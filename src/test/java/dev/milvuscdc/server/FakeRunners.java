package dev.milvuscdc.server;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskRunner;
import dev.milvuscdc.task.TaskRunnerFactory;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskStatusListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runners that move nothing but record what the control plane asked of them. They can be slow on
 * demand (a {@link Gate} holds a task's starts or stops until the test opens it; {@link #jitter}
 * lets every start and stop take a random short time) and they note every breach of the
 * {@link TaskRunner} contract: a second start or stop, a start after stop, two calls at once, two
 * runners of one task running at once.
 */
public final class FakeRunners implements TaskRunnerFactory {

    /** Where every new task starts, unless the test makes finding it fail. */
    public static final ChannelPosition START = new ChannelPosition("fake-dml_0", "start", 0);

    private final List<FakeRunner> created = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Map<String, Gate> startGates = new ConcurrentHashMap<>();
    private final Map<String, Gate> stopGates = new ConcurrentHashMap<>();
    private volatile String failStartWith;
    private volatile String failStartPositionsWith;
    private volatile Map<String, ChannelPosition> positions = Map.of();
    private volatile Random jitter;
    private volatile int jitterMillis;

    /** Where the runners of one task wait until the test opens it. */
    public static final class Gate {
        private final CountDownLatch reached = new CountDownLatch(1);
        private final CountDownLatch open = new CountDownLatch(1);

        /** Waits until a runner is held here; fails the test after 10 s. */
        public void awaitReached() throws InterruptedException {
            if (!reached.await(10, TimeUnit.SECONDS)) {
                throw new AssertionError("no runner reached the gate within 10 s");
            }
        }

        public void open() {
            open.countDown();
        }

        private void pass() {
            reached.countDown();
            try {
                open.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public final class FakeRunner implements TaskRunner {
        public final TaskRecord task;
        public final TaskStatusListener listener;
        public volatile boolean started;
        public volatile boolean stopped;
        private final AtomicInteger callsInProgress = new AtomicInteger();

        FakeRunner(TaskRecord task, TaskStatusListener listener) {
            this.task = task;
            this.listener = listener;
        }

        @Override
        public void start() {
            enter("start");
            try {
                if (started || stopped) {
                    violation("start of a runner that was started or stopped before");
                }
                pause(startGates.get(task.taskId()));
                if (failStartWith != null) {
                    throw new IllegalStateException(failStartWith);
                }
                if (active(task.taskId()) > 0) {
                    violation("a second runner started while another one runs");
                }
                started = true;
            } finally {
                callsInProgress.decrementAndGet();
            }
        }

        @Override
        public void stop() {
            enter("stop");
            try {
                if (stopped) {
                    violation("a second stop");
                }
                pause(stopGates.get(task.taskId()));
                stopped = true;
            } finally {
                callsInProgress.decrementAndGet();
            }
        }

        @Override
        public Map<String, ChannelPosition> positions() {
            return positions;
        }

        private void enter(String call) {
            if (callsInProgress.incrementAndGet() > 1) {
                violation(call + " while another call of the same runner is in progress");
            }
        }

        private void violation(String what) {
            violations.add("task " + task.taskId() + ": " + what);
        }
    }

    @Override
    public TaskRunner create(TaskRecord task, Fence hold, TaskStatusListener listener) {
        FakeRunner runner = new FakeRunner(task, listener);
        created.add(runner);
        return runner;
    }

    @Override
    public Map<String, ChannelPosition> startPositions(TaskSpec spec) {
        if (failStartPositionsWith != null) {
            throw new IllegalStateException(failStartPositionsWith);
        }
        return Map.of(START.channel(), START);
    }

    /** Finding where a new task starts fails with this message from now on. */
    public void failStartPositionsWith(String message) {
        failStartPositionsWith = message;
    }

    /** Every runner start fails with this message from now on; null to succeed again. */
    public void failStartWith(String message) {
        failStartWith = message;
    }

    /** Starts of this task's runners wait at the returned gate until the test opens it. */
    public Gate holdStarts(String taskId) {
        return startGates.computeIfAbsent(taskId, id -> new Gate());
    }

    /** Stops of this task's runners wait at the returned gate until the test opens it. */
    public Gate holdStops(String taskId) {
        return stopGates.computeIfAbsent(taskId, id -> new Gate());
    }

    /** Opens every gate, so that nothing stays held when a test ends early. */
    public void openGates() {
        startGates.values().forEach(Gate::open);
        stopGates.values().forEach(Gate::open);
    }

    /** Every start and stop from now on takes a random time up to {@code max}, drawn from {@code seed}. */
    public void jitter(Duration max, long seed) {
        jitterMillis = (int) max.toMillis();
        jitter = new Random(seed);
    }

    private void pause(Gate gate) {
        if (gate != null) {
            gate.pass();
        }
        Random random = jitter;
        if (random != null) {
            try {
                // Simulated work of a start or stop, so that requests of different tasks overlap.
                Thread.sleep(random.nextInt(jitterMillis + 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public void reportPositions(Map<String, ChannelPosition> live) {
        positions = live;
    }

    public List<FakeRunner> created() {
        return List.copyOf(created);
    }

    /** Every breach of the runner contract seen so far; empty when the control plane kept it. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** The runner most recently made for a task. */
    public FakeRunner last(String taskId) {
        List<FakeRunner> all = created();
        for (int i = all.size() - 1; i >= 0; i--) {
            if (all.get(i).task.taskId().equals(taskId)) {
                return all.get(i);
            }
        }
        throw new AssertionError("no runner was created for task " + taskId);
    }

    /** The runners of this task that were started and not stopped. */
    public long active(String taskId) {
        return created().stream().filter(r -> r.task.taskId().equals(taskId) && r.started && !r.stopped).count();
    }
}
