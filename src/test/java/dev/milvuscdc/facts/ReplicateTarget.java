package dev.milvuscdc.facts;

import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.sink.MessageReplicator;
import dev.milvuscdc.sink.MilvusConnection;
import dev.milvuscdc.sink.MilvusPeer;
import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

/**
 * The rig's target Milvus in replicate mode ({@code common.ttMsgEnabled=false}), written through its
 * {@code ReplicateMessage} RPC, with a ticker that sends time ticks of the wall clock to each of its
 * DML channels every 200 ms: nothing else ticks such a target, and without ticks a load never ends
 * and a Strong query never answers.
 */
final class ReplicateTarget implements AutoCloseable {

    private static final String CLUSTER = "target";
    private static final int DML_CHANNELS = 4;

    final MilvusConnection connection;
    final MessageReplicator replicator;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong tickCeiling = new AtomicLong(Long.MAX_VALUE);
    private final AtomicReference<String> tickFailure = new AtomicReference<>();

    ReplicateTarget() throws Exception {
        connection = MilvusConnection.open(MilvusPeer.TARGET, new MilvusConnectParam(Rig.get().targetUri(), null, null,
                0, null, null, false, null, 0, false, 10));
        replicator = MessageReplicator.on(connection);
    }

    /** Starts ticking every DML channel with the wall clock as a hybrid timestamp (never above the ceiling). */
    void startTicking() {
        List<String> pchannels = IntStream.range(0, DML_CHANNELS).mapToObj(i -> CLUSTER + "-rootcoord-dml_" + i).toList();
        ticker.scheduleAtFixedRate(() -> {
            long ts = Math.min(System.currentTimeMillis() << 18, tickCeiling.get());
            for (String pchannel : pchannels) {
                try {
                    replicator.tick(pchannel, ts);
                } catch (RuntimeException e) {
                    tickFailure.compareAndSet(null, e.getMessage());
                }
            }
        }, 0, 200, TimeUnit.MILLISECONDS);
    }

    /** Ticks stop advancing: messages of timestamps after now may still be sent "ahead" of the next tick. */
    void holdTicks() {
        tickCeiling.set(System.currentTimeMillis() << 18);
    }

    void releaseTicks() {
        tickCeiling.set(Long.MAX_VALUE);
    }

    /** The first tick the target refused, if any. */
    String tickFailure() {
        return tickFailure.get();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        connection.close();
    }
}
