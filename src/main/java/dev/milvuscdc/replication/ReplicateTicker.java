package dev.milvuscdc.replication;

import dev.milvuscdc.pipeline.TickWatermarks;
import dev.milvuscdc.sink.MessageReplicator;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * The replicate write mode's clock: nothing else ticks a target in replicate mode, and without ticks
 * it applies nothing, ends no load and answers no Strong query (docs/replicate-mode.md). Every
 * time the target has acknowledged a round of source ticks on every channel (and at least every
 * {@link #PERIOD}), it stores the task's positions and then sends every target physical channel of the
 * task's copies the time those stored positions cover ({@link TickWatermarks#safe()}), when that time
 * moved. Waking on the acknowledgement rather than on a fixed schedule, and storing and ticking in one
 * step, keep a change's wait for its tick as short as the rule allows: one store write after the source's
 * own tick.
 */
final class ReplicateTicker implements ReplicationWorker.Loop {

    /** Stores the positions the target acknowledged, and waits until they are stored. */
    interface PositionStore {
        void store() throws InterruptedException;
    }

    /** The longest wait between two steps: as often as a Milvus 2.3 source ticks its own channels. */
    static final Duration PERIOD = Duration.ofMillis(200);

    private final TickWatermarks watermarks;
    private final MessageForwarder forwarder;
    private final MessageReplicator replicator;
    private final DdlExecutor copies;
    private final Retrier retrier;
    private final PositionStore positions;
    private final Map<String, Long> sent = new HashMap<>();
    private long acknowledged;

    ReplicateTicker(TickWatermarks watermarks, MessageForwarder forwarder, MessageReplicator replicator,
                    DdlExecutor copies, Retrier retrier, PositionStore positions) {
        this.positions = positions;
        this.watermarks = watermarks;
        this.forwarder = forwarder;
        this.replicator = replicator;
        this.copies = copies;
        this.retrier = retrier;
    }

    @Override
    public String name() {
        return "ticker";
    }

    @Override
    public void runOnce() throws InterruptedException {
        acknowledged = watermarks.awaitAcknowledged(acknowledged, PERIOD.toMillis());
        positions.store();
        long safe = watermarks.safe();
        if (safe == 0) {
            return;
        }
        for (String pchannel : forwarder.targetChannels(copies.copies())) {
            if (sent.getOrDefault(pchannel, 0L) < safe) {
                retrier.run("tick target channel " + pchannel, () -> replicator.tick(pchannel, safe));
                sent.put(pchannel, safe);
            }
        }
    }

    @Override
    public void close() {
    }
}
