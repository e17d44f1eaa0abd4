package dev.milvuscdc.chaos;

import dev.milvuscdc.chaos.FaultSchedule.Fault;
import dev.milvuscdc.chaos.FaultSchedule.Kind;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.server.CdcProcess;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Carries out a {@link FaultSchedule} on the rig: {@code kill -9} and restart of the CDC server,
 * {@code scripts/rig stop} and {@code start} of the target Milvus and of the source's broker (Kafka or Pulsar, whichever the rig runs). Each kind of fault
 * has a thread of its own, so faults of different kinds overlap as planned. A heal waits until its
 * component is healthy, which on a busy machine takes long (a server restart 10-30 s, a target stop
 * up to its 120 s grace), and the next fault of that kind comes no earlier than its planned moment
 * and no sooner after that heal than planned after the fault's planned heal: so the schedule runs
 * longer than planned, each kind by its own delays. Each step is printed with its actual and
 * planned moment. When {@link #run} returns or throws, every fault it injected is healed.
 */
final class FaultActions {

    private final CdcProcess server;
    private final Rig rig;

    FaultActions(CdcProcess server, Rig rig) {
        this.server = server;
        this.rig = rig;
    }

    void run(FaultSchedule schedule) throws InterruptedException {
        long start = System.nanoTime();
        ExecutorService threads = Executors.newFixedThreadPool(Kind.values().length);
        try {
            List<Future<?>> kinds = new ArrayList<>();
            for (Kind kind : Kind.values()) {
                List<Fault> faults = schedule.faults().stream().filter(f -> f.kind() == kind).toList();
                kinds.add(threads.submit(() -> {
                    runKind(faults, start);
                    return null;
                }));
            }
            for (Future<?> kind : kinds) {
                kind.get();
            }
        } catch (ExecutionException e) {
            throw new IllegalStateException("a fault of the schedule could not be carried out", e.getCause());
        } finally {
            // An interrupt or a failed kind stops the others; each heals what it broke.
            threads.shutdownNow();
            threads.awaitTermination(5, TimeUnit.MINUTES);
        }
    }

    /** The faults of one kind, one after the other; a fault injected is healed however this ends. */
    private void runKind(List<Fault> faults, long start) throws InterruptedException {
        Duration delay = Duration.ZERO;
        for (Fault fault : faults) {
            sleepUntil(start, fault.at().plus(delay));
            print(start, fault, false);
            inject(fault.kind());
            try {
                sleepUntil(start, fault.healedAt().plus(delay));
            } finally {
                print(start, fault, true);
                heal(fault.kind());
            }
            delay = Duration.ofNanos(System.nanoTime() - start).minus(fault.healedAt());
        }
    }

    private static void sleepUntil(long start, Duration moment) throws InterruptedException {
        // The planned gaps are the point of the test, not a wait for a condition.
        long millis = moment.toMillis() - (System.nanoTime() - start) / 1_000_000;
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static void print(long start, Fault fault, boolean heal) {
        System.out.printf("chaos: at %6.1f s: %s%n", (System.nanoTime() - start) / 1e9,
                new FaultSchedule.Step(heal ? fault.healedAt() : fault.at(), fault, heal));
    }

    private void inject(Kind kind) throws InterruptedException {
        switch (kind) {
            case KILL_SERVER -> server.kill();
            case TARGET_OUTAGE -> rig.stop("milvus-target");
            case BROKER_RESTART -> rig.stop(rig.sourceMq());
        }
    }

    private void heal(Kind kind) {
        switch (kind) {
            case KILL_SERVER -> server.start();
            case TARGET_OUTAGE -> rig.start("milvus-target");
            case BROKER_RESTART -> rig.start(rig.sourceMq());
        }
    }
}
