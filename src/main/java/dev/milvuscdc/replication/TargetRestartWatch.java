package dev.milvuscdc.replication;

import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.sink.RetriableTargetException;
import dev.milvuscdc.sink.TargetWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a target that restarted while no call of the task failed: a task that has nothing to
 * write (a quiet source, or a source broker that is down) would otherwise go on as if the target
 * kept every write it acknowledged. Every round it asks the target's proxy for its node id, which a
 * restart of that process renews; a new id, or a target that cannot be reached, is told to the runner,
 * which sets the task back ({@link ReplayWindow}).
 *
 * <p>A data node can restart on its own in a cluster, so the watch also compares the data nodes'
 * names, but only once the proxy has kept its id for {@link #SETTLE_ROUNDS} rounds: that question
 * makes the target's data coordinator ask every data node, and a 2.3.5 target that had just started
 * crashed on it (docs/rig.md). The first names it learns become the task's baseline when the run
 * started without one. The replay window is 12 minutes while a data node syncs within 10, so noticing
 * must take less than two minutes.
 */
final class TargetRestartWatch implements ReplicationWorker.Loop {

    /** With a round of {@link ReplicationSettings#TARGET_WATCH_EVERY}, longer than a Milvus session's lease (30 s), so that a killed process's session has expired. */
    static final int SETTLE_ROUNDS = 8;
    private static final Logger log = LoggerFactory.getLogger(TargetRestartWatch.class);

    private final TargetWriter target;
    private final Duration every;
    private final Consumer<String> baseline;
    private final Consumer<String> restarted;
    private final Runnable unreachable;
    private Optional<String> known;
    private Optional<Long> proxy;
    private int steadyRounds;

    /**
     * @param known       the data nodes the run started with, if it asked
     * @param proxy       the proxy's node id the run started with, if the target told it
     * @param baseline    told the data nodes first learnt when {@code known} is empty
     * @param restarted   told once, with what changed, when the target restarted
     * @param unreachable told when the target cannot be reached (it may be restarting)
     */
    TargetRestartWatch(TargetWriter target, Duration every, Optional<String> known, Optional<Long> proxy,
                       Consumer<String> baseline, Consumer<String> restarted, Runnable unreachable) {
        this.target = target;
        this.every = every;
        this.known = known;
        this.proxy = proxy;
        this.baseline = baseline;
        this.restarted = restarted;
        this.unreachable = unreachable;
    }

    @Override
    public String name() {
        return "target-watch";
    }

    @Override
    public void runOnce() throws InterruptedException {
        Thread.sleep(every.toMillis());
        try {
            Optional<Long> proxyNow = target.proxyId();
            if (proxy.isPresent() && proxyNow.isPresent() && !proxy.equals(proxyNow)) {
                stop(restarted, "its proxy was node " + proxy.get() + ", now node " + proxyNow.get());
                return;
            }
            proxy = proxyNow;
            if (++steadyRounds < SETTLE_ROUNDS) {
                return;
            }
            Optional<String> now = target.dataNodes();
            if (now.isPresent() && known.isEmpty()) {
                known = now;
                baseline.accept(now.get());
            } else if (now.isPresent() && !now.equals(known)) {
                stop(restarted, "its data nodes were " + known.get() + ", now " + now.get());
            }
        } catch (RetriableTargetException e) {
            steadyRounds = 0;
            if (e.unreachable()) {
                unreachable.run();
            }
        } catch (PermanentTargetException e) {
            log.warn("stopped watching the target for restarts: it refused to tell its node ids ({}); a restart while"
                    + " the task writes nothing is then not noticed", e.getMessage());
            Thread.currentThread().interrupt();
        }
    }

    private static void stop(Consumer<String> told, String change) {
        told.accept(change);
        Thread.currentThread().interrupt();
    }

    @Override
    public void close() {
    }
}
