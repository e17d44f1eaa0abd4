package dev.milvuscdc.facts;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.sink.MilvusConnection;
import dev.milvuscdc.sink.MilvusPeer;
import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgType;
import io.milvus.grpc.ReplicateInfo;
import io.milvus.grpc.ReplicateMessageRequest;
import io.milvus.grpc.ReplicateMessageResponse;
import io.milvus.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import milvus.proto.msg.Msg;

/**
 * The rig's target Milvus in replicate mode ({@code common.ttMsgEnabled=false}), written through its
 * {@code ReplicateMessage} RPC as a raw replicating CDC would, with a ticker that sends time ticks
 * of the wall clock to each of its DML channels every 200 ms: nothing else ticks such a target, and
 * without ticks a load never ends and a Strong query never answers.
 */
final class ReplicateTarget implements AutoCloseable {

    private static final String CLUSTER = "target";
    private static final int DML_CHANNELS = 4;

    final MilvusConnection connection;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong tickCeiling = new AtomicLong(Long.MAX_VALUE);
    private final AtomicReference<Status> tickFailure = new AtomicReference<>();

    ReplicateTarget() throws Exception {
        connection = MilvusConnection.open(MilvusPeer.TARGET, new MilvusConnectParam(Rig.get().targetUri(), null, null,
                0, null, null, false, null, 0, false, 10));
    }

    /** The answer to a message for the target's own replicate channel: code 0 only on a target in replicate mode. */
    Status probe() {
        return connection.stub().replicateMessage(ReplicateMessageRequest.newBuilder()
                .setChannelName(CLUSTER + "-replicate-msg").build()).getStatus();
    }

    /** Sends messages to one of the target's physical channels; fails unless the target accepts them. */
    void send(String pchannel, List<ByteString> messages, long endTs) {
        ReplicateMessageResponse response = connection.stub().replicateMessage(ReplicateMessageRequest.newBuilder()
                .setBase(MsgBase.newBuilder().setReplicateInfo(ReplicateInfo.newBuilder().setIsReplicate(true)))
                .setChannelName(pchannel).setBeginTs(endTs).setEndTs(endTs).addAllMsgs(messages).build());
        if (response.getStatus().getCode() != 0) {
            throw new IllegalStateException("ReplicateMessage to " + pchannel + ": " + response.getStatus());
        }
    }

    /** Starts ticking every DML channel with the wall clock as a hybrid timestamp (never above the ceiling). */
    void startTicking() {
        List<String> pchannels = IntStream.range(0, DML_CHANNELS).mapToObj(i -> CLUSTER + "-rootcoord-dml_" + i).toList();
        ticker.scheduleAtFixedRate(() -> {
            long ts = Math.min(System.currentTimeMillis() << 18, tickCeiling.get());
            for (String pchannel : pchannels) {
                try {
                    send(pchannel, List.of(tick(ts)), ts);
                } catch (RuntimeException e) {
                    tickFailure.compareAndSet(null, Status.newBuilder().setReason(e.getMessage()).build());
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
    Status tickFailure() {
        return tickFailure.get();
    }

    /**
     * A source insert or delete message readdressed to the target: the target's vchannel, collection
     * and partition ids are appended, and a protobuf reader keeps the last value of a scalar field.
     */
    static ByteString readdressed(byte[] message, String vchannel, long collectionId, long partitionId) {
        try {
            ByteArrayOutputStream suffix = new ByteArrayOutputStream();
            CodedOutputStream out = CodedOutputStream.newInstance(suffix);
            out.writeString(Msg.InsertRequest.SHARDNAME_FIELD_NUMBER, vchannel);
            out.writeInt64(Msg.InsertRequest.COLLECTIONID_FIELD_NUMBER, collectionId);
            out.writeInt64(Msg.InsertRequest.PARTITIONID_FIELD_NUMBER, partitionId);
            out.flush();
            return ByteString.copyFrom(message).concat(ByteString.copyFrom(suffix.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ByteString tick(long ts) {
        return Msg.TimeTickMsg.newBuilder().setBase(MsgBase.newBuilder()
                .setMsgType(MsgType.TimeTick).setTimestamp(ts).setSourceID(-1)).build().toByteString();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        connection.close();
    }
}
