package dev.milvuscdc.replication;

import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.sink.RetriableTargetException;
import dev.milvuscdc.sink.TargetWriter;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices a target that restarted while no call of the task failed: a task that has nothing to
 * write (a quiet source, or a source broker that is down) would otherwise go on as if the target
 * kept every write it acknowledged. It asks the target for its data nodes every {@link #EVERY};
 * a change of names (a restarted data node has a new id) or a target that cannot be reached is
 * told to the runner, which sets the task back ({@link ReplayWindow}). The replay window is 12
 * minutes while a data node syncs within 10, so noticing must take less than two minutes.
 */
final class TargetRestartWatch implements ReplicationWorker.Loop {

    static final Duration EVERY = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(TargetRestartWatch.class);

    private final TargetWriter target;
    private final String known;
    private final Runnable restarted;
    private final Runnable unreachable;

    /**
     * @param known       the data nodes the task's run started with
     * @param restarted   told once when the data nodes are no longer those
     * @param unreachable told when the target cannot be reached (it may be restarting)
     */
    TargetRestartWatch(TargetWriter target, String known, Runnable restarted, Runnable unreachable) {
        this.target = target;
        this.known = known;
        this.restarted = restarted;
        this.unreachable = unreachable;
    }

    @Override
    public String name() {
        return "target-watch";
    }

    @Override
    public void runOnce() throws InterruptedException {
        Thread.sleep(EVERY.toMillis());
        Optional<String> now;
        try {
            now = target.dataNodes();
        } catch (RetriableTargetException e) {
            if (e.unreachable()) {
                unreachable.run();
            }
            return;
        } catch (PermanentTargetException e) {
            log.warn("stopped watching the target for restarts: it refused to tell its data nodes ({}); a restart while"
                    + " the task writes nothing is then not noticed", e.getMessage());
            Thread.currentThread().interrupt();
            return;
        }
        if (now.isPresent() && !now.get().equals(known)) {
            restarted.run();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
    }
}
