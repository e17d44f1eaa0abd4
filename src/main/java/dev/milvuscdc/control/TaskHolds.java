package dev.milvuscdc.control;

import dev.milvuscdc.control.TaskTransitions.Move;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.TaskLeases;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs this server's share of the stored tasks, and only those (README, "Running several servers").
 * Every {@link #PERIOD} it renews this server's holds ({@link TaskLeases}), then:
 * <ul>
 *   <li>stops at once the runner of a task whose hold is gone, without touching its stored state: another
 *       server may run the task now, and this one lost the right to say anything about it;</li>
 *   <li>makes every held task's runner match the task as stored, so that a pause, resume or delete
 *       answered by another server takes effect here within a period;</li>
 *   <li>takes free tasks, in creation order, while it holds fewer than its share: the stored tasks divided
 *       by the live servers, rounded up. It takes one at once while no other live server holds fewer (or it
 *       holds fewer than that division rounded down), and otherwise only once the task stayed free for a
 *       round, so that a burst of free tasks spreads over every live server.</li>
 * </ul>
 * A task this server held before it restarted (under the same name), or a free task it takes in its first
 * round while no other server is alive, is brought back as a server start brings it back: Running ones
 * restart, Paused ones stay paused, {@code disable_auto_start} ones are paused. Any other free task was left
 * by a server that died or stopped, or created on a server that held its share already, and simply goes on
 * in its stored state.
 * A server that cannot renew for three quarters of the lease time stops every runner: the store lets the
 * holds expire after the full lease time, and another server may start them then.
 * <p>On a store only this server can open ({@link TaskLeases#exclusive()}, the embedded file) no other server
 * takes, frees or changes a task, so a round runs every quarter of the lease time instead: on an idle
 * server the rounds' store transactions took a sixth to a fifth of its CPU (docs/performance.md).
 */
final class TaskHolds implements Runnable {

    static final Duration PERIOD = Duration.ofMillis(500);
    static final String AUTO_START_DISABLED = "the task is disabled auto start";

    private static final Logger LOG = LoggerFactory.getLogger(TaskHolds.class);

    private final TaskLeases leases;
    private final StoredTasks store;
    private final TaskSlots slots;
    private final TaskRequests requests;
    private final TaskRunners runners;
    private final TaskTransitions transitions;
    private final CdcMetrics metrics;
    private boolean firstRound = true;
    /** The tasks no server held when this server last looked, as {@link #takeFreeTasks} left them. */
    private Set<String> freeLastRound = Set.of();
    private volatile long lastRenewal = System.nanoTime();
    /** Three quarters of the lease time: every channel worker asks {@link #renewedLately()} before each read. */
    private final Duration renewalLimit;
    private String unrenewable = "";

    TaskHolds(TaskLeases leases, StoredTasks store, TaskSlots slots, TaskRequests requests, TaskRunners runners,
              TaskTransitions transitions, CdcMetrics metrics) {
        this.leases = leases;
        this.store = store;
        this.slots = slots;
        this.requests = requests;
        this.runners = runners;
        this.transitions = transitions;
        this.metrics = metrics;
        this.renewalLimit = leases.leaseTime().multipliedBy(3).dividedBy(4);
    }

    /** Rounds every {@link #period()} until interrupted or the control plane closes. */
    @Override
    public void run() {
        long period = period().toMillis();
        try {
            while (!requests.closing()) {
                roundSurvivingFaults();
                Thread.sleep(period);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * A round that fails after its renewal (the store stops answering while the round lists servers or takes
     * a task) is given up until the next one. Were the loop to end, nothing would renew the holds or stop
     * the runners when they lapse, and another server would run the same tasks beside them.
     */
    private void roundSurvivingFaults() throws InterruptedException {
        try {
            round();
        } catch (StoreException e) {
            LOG.warn("server {} leaves its round of holds unfinished until the next one: {}", leases.server(), e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("server {} leaves its round of holds unfinished until the next one", leases.server(), e);
        }
    }

    /** One renewal and what follows from it; public to the package so tests can step it. */
    void round() throws InterruptedException {
        Map<String, Fence> held;
        long renewing = System.nanoTime();
        try {
            held = leases.renew();
            lastRenewal = renewing;
            if (!unrenewable.isEmpty()) {
                LOG.info("server {} renews its holds again", leases.server());
                unrenewable = "";
            }
        } catch (StoreException e) {
            unrenewable(e);
            return;
        }
        stopRunnersWithout(held, renewing, "its hold on the task ended");
        List<TaskRecord> tasks;
        try {
            tasks = store.list();
        } catch (TaskRequestException e) {
            LOG.warn("server {} cannot list the stored tasks: {}", leases.server(), e.getMessage());
            return;
        }
        Set<String> stored = new HashSet<>();
        for (TaskRecord task : tasks) {
            stored.add(task.taskId());
            Fence hold = held.get(task.taskId());
            if (hold != null) {
                follow(task.taskId(), hold, firstRound);
            }
        }
        for (Fence hold : held.values()) {
            if (!stored.contains(hold.taskId())) {
                follow(hold.taskId(), hold, false);
            }
        }
        takeFreeTasks(tasks, held.size());
        firstRound = false;
    }

    /**
     * Whether this server renewed its holds within three quarters of the lease time, by its own clock, which
     * runs on while the process is frozen: after a freeze, false until a renewal says which holds stand.
     */
    boolean renewedLately() {
        return System.nanoTime() - lastRenewal <= renewalLimit.toNanos();
    }

    /** {@link #PERIOD}, or a quarter of the lease time on a store only this server can open. */
    Duration period() {
        Duration quarter = leases.leaseTime().dividedBy(4);
        return leases.exclusive() && quarter.compareTo(PERIOD) > 0 ? quarter : PERIOD;
    }

    /**
     * Takes a task just created here when this server holds fewer than its share, counting the new task.
     * Otherwise a server below its share takes it in its next round.
     */
    Optional<Fence> takeIfBelowShare(String taskId) {
        int servers = Math.max(1, leases.servers().size());
        int share = (store.list().size() + servers - 1) / servers;
        long holding = leases.holders().values().stream().filter(leases.server()::equals).count();
        return holding < share ? acquire(taskId) : Optional.empty();
    }

    /** Takes the task's hold when it is free; every take is logged once, in the line SeveralServersIT reads. */
    private Optional<Fence> acquire(String taskId) {
        Optional<Fence> taken = leases.acquire(taskId);
        taken.ifPresent(hold -> LOG.info("server {} takes task {} ({})", leases.server(), taskId, hold));
        return taken;
    }

    /**
     * Whether the slot's runner still runs under a standing hold, asked of the store before a report of the
     * runner changes the stored task. When the store does not answer, the report goes on: its own write
     * then fails too, or the hold stood.
     */
    boolean stillHeld(TaskSlot slot) {
        Optional<Fence> hold = slot.hold();
        if (hold.isEmpty()) {
            return false;
        }
        try {
            return hold.get().equals(leases.renew().get(hold.get().taskId()));
        } catch (StoreException e) {
            return true;
        }
    }

    /**
     * Takes free tasks up to the share. At once only while no other live server holds fewer (or this one
     * holds fewer than the stored tasks divided by the live servers, rounded down); otherwise only a task it
     * already saw free in its last round. So when several tasks are free at once (a burst of creates), the
     * servers holding fewest take them first and every live server gets some, while a task that no such
     * server takes still runs a round later.
     */
    private void takeFreeTasks(List<TaskRecord> tasks, int holding) throws InterruptedException {
        Set<String> live = leases.servers();
        int servers = Math.max(1, live.size());
        boolean storeStart = firstRound && servers == 1;
        int share = (tasks.size() + servers - 1) / servers;
        int evenShare = tasks.size() / servers;
        Set<String> seenFree = freeLastRound;
        freeLastRound = Set.of();
        if (holding >= share) {
            return;
        }
        Map<String, String> holders = leases.holders();
        int fewestElsewhere = fewestHeldByAnother(live, holders);
        Set<String> free = new HashSet<>();
        for (TaskRecord task : tasks) {
            if (holders.containsKey(task.taskId())) {
                continue;
            }
            boolean mayTake = holding < share && (holding < evenShare || holding <= fewestElsewhere
                    || seenFree.contains(task.taskId()));
            if (mayTake && take(task.taskId(), storeStart)) {
                holding++;
            } else {
                free.add(task.taskId());
            }
        }
        freeLastRound = free;
    }

    /**
     * Takes the free task and follows its stored state, under the task's lock: a create or resume on this
     * server takes its task under that lock too, so one hold is never taken (nor logged) twice. A task whose
     * lock is busy is left for the next round.
     */
    private boolean take(String taskId, boolean serverStart) {
        try {
            return requests.run(taskId, "taking its hold", 0, (slot, current) -> {
                Optional<Fence> taken = current.isPresent() ? acquire(taskId) : Optional.empty();
                taken.ifPresent(hold -> match(slot, current, hold, serverStart));
                return taken.isPresent();
            });
        } catch (TaskRequestException e) {
            LOG.debug("task {} is not taken in this round: {}", taskId, e.getMessage());
            return false;
        }
    }

    /** The fewest tasks any other live server holds; {@link Integer#MAX_VALUE} when this one is alone. */
    private int fewestHeldByAnother(Set<String> live, Map<String, String> holders) {
        Map<String, Integer> held = new HashMap<>();
        live.stream().filter(server -> !server.equals(leases.server())).forEach(server -> held.put(server, 0));
        holders.values().forEach(server -> held.computeIfPresent(server, (name, count) -> count + 1));
        return held.values().stream().min(Integer::compare).orElse(Integer.MAX_VALUE);
    }

    /** Makes the task's runner here match the task as stored now, under its lock; a busy task waits for the next round. */
    private void follow(String taskId, Fence hold, boolean serverStart) {
        try {
            requests.run(taskId, "following its stored state", 0, (slot, current) -> {
                match(slot, current, hold, serverStart);
                return null;
            });
        } catch (TaskRequestException e) {
            LOG.debug("task {} is not followed in this round: {}", taskId, e.getMessage());
        }
    }

    /** Makes the slot's runner match the task as stored ({@code current}), under the task's lock. */
    private void match(TaskSlot slot, Optional<TaskRecord> current, Fence hold, boolean serverStart) {
        if (slot.hold().filter(running -> !running.equals(hold)).isPresent()) {
            runners.stop(slot, "its hold on the task changed");
        }
        if (current.isEmpty()) {
            runners.stop(slot, "the task was deleted");
            leases.release(hold);
            return;
        }
        TaskRecord task = current.get();
        boolean running = slot.runner().isPresent();
        if (task.state() == TaskState.Paused && running) {
            runners.stop(slot, "the task was paused");
        } else if (task.state() != TaskState.Paused && !running) {
            start(slot, task, hold, serverStart);
        } else if (serverStart && task.state() == TaskState.Paused) {
            holdPausedAtServerStart(task);
        }
    }

    private void start(TaskSlot slot, TaskRecord task, Fence hold, boolean serverStart) {
        metrics.taskState(task.taskId(), task.state());
        if (serverStart && task.spec().disableAutoStart()) {
            transitions.move(task, Move.HOLD, AUTO_START_DISABLED);
            return;
        }
        Move move = task.state() == TaskState.Running ? Move.RESTART : Move.START;
        try {
            runners.start(slot, task, move, serverStart ? "a server start" : "its hold on the task", hold);
        } catch (RuntimeException e) {
            transitions.move(task, Move.HOLD, "fail to start task, err: " + TaskRunners.describe(e));
        }
    }

    private void holdPausedAtServerStart(TaskRecord task) {
        metrics.taskState(task.taskId(), task.state());
        if (task.spec().disableAutoStart() && !AUTO_START_DISABLED.equals(task.reason())) {
            transitions.move(task, Move.HOLD, AUTO_START_DISABLED);
        } else {
            LOG.info("stays Paused: {}", task.reason());
        }
    }

    /**
     * The store did not answer. Until three quarters of the lease time have passed, the holds stand and
     * the runners go on; after that the store may hand the tasks to another server at any moment, so
     * every runner stops.
     */
    private void unrenewable(StoreException e) throws InterruptedException {
        if (unrenewable.isEmpty()) {
            LOG.warn("server {} cannot renew its holds: {}", leases.server(), e.getMessage());
        }
        unrenewable = e.getMessage();
        if (!renewedLately()) {
            stopRunnersWithout(Map.of(), System.nanoTime(), "its holds could not be renewed for " + renewalLimit.toSeconds()
                    + " s: " + e.getMessage());
        }
    }

    /**
     * Stops, without changing their stored states, the runners whose hold is not among {@code held}, the
     * holds that stood at {@code asOf}. A runner started since, under a hold taken since (a task created
     * here while the renewal ran), is not judged by it.
     */
    void stopRunnersWithout(Map<String, Fence> held, long asOf, String why) throws InterruptedException {
        for (TaskSlot listed : slots.all()) {
            Optional<Fence> hold = listed.hold();
            if (hold.isEmpty() || hold.get().equals(held.get(listed.taskId())) || listed.attachedAfter(asOf)) {
                continue;
            }
            slots.runWhenFree(listed.taskId(), slot -> {
                if (slot.hold().equals(hold) && !slot.attachedAfter(asOf)) {
                    LOG.warn("stops its runner on server {}: {} ({})", leases.server(), why, hold.get());
                    runners.stop(slot, why);
                }
                return null;
            });
        }
    }
}
