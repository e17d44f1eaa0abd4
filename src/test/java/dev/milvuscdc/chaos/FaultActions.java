package dev.milvuscdc.chaos;

import dev.milvuscdc.chaos.FaultSchedule.Kind;
import dev.milvuscdc.chaos.FaultSchedule.Step;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.server.CdcProcess;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Carries out a {@link FaultSchedule} on the rig: {@code kill -9} and restart of the CDC server,
 * {@code scripts/rig stop} and {@code start} of the target Milvus and of Kafka. The planned gap
 * between two steps is kept from the end of the first: a start waits until its component is
 * healthy, which on a busy machine takes long (a server restart took 30-60 s), and the next fault
 * must not follow at once, or the server would spend the schedule starting. So the schedule runs
 * longer than planned; each step is printed with both moments. When {@link #run} returns or
 * throws, every fault it injected is healed.
 */
final class FaultActions {

    private final CdcProcess server;
    private final Rig rig;
    private final Set<Kind> active = EnumSet.noneOf(Kind.class);

    FaultActions(CdcProcess server, Rig rig) {
        this.server = server;
        this.rig = rig;
    }

    void run(FaultSchedule schedule) throws InterruptedException {
        long start = System.nanoTime();
        Duration previous = Duration.ZERO;
        try {
            for (Step step : schedule.steps()) {
                // The planned gaps are the point of the test, not a wait for a condition.
                Thread.sleep(step.at().minus(previous).toMillis());
                previous = step.at();
                System.out.printf("chaos: at %6.1f s: %s%n", (System.nanoTime() - start) / 1e9, step);
                if (step.heal()) {
                    heal(step.fault().kind());
                } else {
                    inject(step.fault().kind());
                }
            }
        } catch (InterruptedException | RuntimeException | Error e) {
            healAllAfter(e);
            throw e;
        }
    }

    private void inject(Kind kind) throws InterruptedException {
        active.add(kind);
        switch (kind) {
            case KILL_SERVER -> server.kill();
            case TARGET_OUTAGE -> rig.stop("milvus-target");
            case KAFKA_RESTART -> rig.stop("kafka");
        }
    }

    private void heal(Kind kind) {
        switch (kind) {
            case KILL_SERVER -> server.start();
            case TARGET_OUTAGE -> rig.start("milvus-target");
            case KAFKA_RESTART -> rig.start("kafka");
        }
        active.remove(kind);
    }

    /** Heals what is still broken after a step failed, so that the next test finds the rig whole. */
    private void healAllAfter(Throwable failure) {
        for (Kind kind : Set.copyOf(active)) {
            try {
                heal(kind);
            } catch (RuntimeException | Error e) {
                failure.addSuppressed(e);
            }
        }
    }
}
