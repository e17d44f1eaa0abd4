package dev.milvuscdc.sink;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgType;
import io.milvus.grpc.ReplicateInfo;
import io.milvus.grpc.ReplicateMessageRequest;
import io.milvus.grpc.ReplicateMessageResponse;
import io.milvus.grpc.ShowPartitionsRequest;
import io.milvus.grpc.ShowPartitionsResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import milvus.proto.msg.Msg;

/**
 * Writes the source's own insert and delete messages, and time ticks, into a target Milvus in
 * replicate mode ({@code common.ttMsgEnabled=false}) through its {@code ReplicateMessage} RPC
 * (docs/replicate-mode.md). A message is readdressed to the target's collection, partition and
 * shard by appending those three fields to its bytes: a protobuf reader keeps the last value of a
 * scalar field, so the rows are never decoded (measured in {@code ReplicateTargetFactsIT}). Calls
 * to one physical channel are serialised, since the target's consumers release messages by the
 * ticks that follow them in the channel. Thread-safe.
 */
public final class MessageReplicator {

    /** Milvus's code for a ReplicateMessage sent to a target not in replicate mode. */
    static final int DENIED_IN_NORMAL_INSTANCE = 1900;

    /** Where the target keeps its copy of a collection: ids, and channels by shard index. */
    public record TargetShards(long collectionId, List<String> vchannels, List<String> pchannels,
                               Map<String, Long> partitionIds) {

        public TargetShards {
            vchannels = List.copyOf(vchannels);
            pchannels = List.copyOf(pchannels);
            partitionIds = Map.copyOf(partitionIds);
        }
    }

    private final TargetCalls calls;
    private final Map<String, Object> channelLocks = new ConcurrentHashMap<>();

    MessageReplicator(TargetCalls calls) {
        this.calls = calls;
    }

    /** A replicator over an open connection to the target. */
    public static MessageReplicator on(MilvusConnection connection) {
        return new MessageReplicator(new TargetCalls(connection, MilvusTargetWriter.DEFAULT_RPC_TIMEOUT));
    }

    /**
     * Whether the target takes ReplicateMessage: a message naming no channel is answered 1900 by a
     * target in the normal mode, and refused for its empty channel name (writing nothing) by one in
     * replicate mode.
     */
    public boolean replicateMode() {
        ReplicateMessageResponse response = calls.callAllowingFailure("check the replicate mode", "the target", "",
                s -> s.replicateMessage(ReplicateMessageRequest.newBuilder().setChannelName("").build()));
        return response.getStatus().getCode() != DENIED_IN_NORMAL_INSTANCE;
    }

    /** The target's copy of a collection, as it is now. */
    public TargetShards shards(String db, String collection) {
        String object = TargetCalls.object(db, collection);
        DescribeCollectionResponse described = calls.call("describe collection", object, db,
                s -> s.describeCollection(DescribeCollectionRequest.newBuilder().setDbName(db)
                        .setCollectionName(collection).build()), DescribeCollectionResponse::getStatus);
        ShowPartitionsResponse partitions = calls.call("show partitions", object, db,
                s -> s.showPartitions(ShowPartitionsRequest.newBuilder().setDbName(db)
                        .setCollectionName(collection).build()), ShowPartitionsResponse::getStatus);
        Map<String, Long> partitionIds = new HashMap<>();
        for (int i = 0; i < partitions.getPartitionNamesCount(); i++) {
            partitionIds.put(partitions.getPartitionNames(i), partitions.getPartitionIDs(i));
        }
        return new TargetShards(described.getCollectionID(), described.getVirtualChannelNamesList(),
                described.getPhysicalChannelNamesList(), partitionIds);
    }

    /** Sends messages, in order, to one of the target's physical channels; {@code endTs} is their largest timestamp. */
    public void send(String pchannel, List<ByteString> messages, long beginTs, long endTs) {
        synchronized (channelLocks.computeIfAbsent(pchannel, k -> new Object())) {
            calls.call("replicate " + messages.size() + " messages", pchannel, "",
                    s -> s.replicateMessage(ReplicateMessageRequest.newBuilder()
                            .setBase(replicated())
                            .setChannelName(pchannel).setBeginTs(beginTs).setEndTs(endTs)
                            .addAllMsgs(messages).build()), ReplicateMessageResponse::getStatus);
        }
    }

    /** Tells one of the target's physical channels that every message up to {@code ts} has been sent. */
    public void tick(String pchannel, long ts) {
        send(pchannel, List.of(Msg.TimeTickMsg.newBuilder().setBase(MsgBase.newBuilder()
                .setMsgType(MsgType.TimeTick).setTimestamp(ts).setSourceID(-1)).build().toByteString()), ts, ts);
    }

    /** The base of a request that replays a source change: the target then does not broadcast it again. */
    static MsgBase replicated() {
        return MsgBase.newBuilder().setReplicateInfo(ReplicateInfo.newBuilder().setIsReplicate(true)).build();
    }

    /** The base of a request that replays a source change made at {@code ts}. */
    static MsgBase replicated(long ts) {
        return MsgBase.newBuilder().setReplicateInfo(ReplicateInfo.newBuilder().setIsReplicate(true)
                .setMsgTimestamp(ts)).build();
    }

    /**
     * A source insert or delete message readdressed to the target's shard, collection and partition
     * ({@code -1}: every partition, for a delete that names none).
     */
    public static ByteString readdressed(ByteString message, String vchannel, long collectionId, long partitionId) {
        try {
            ByteString.Output suffix = ByteString.newOutput(vchannel.length() + 32);
            CodedOutputStream out = CodedOutputStream.newInstance(suffix);
            out.writeString(Msg.InsertRequest.SHARDNAME_FIELD_NUMBER, vchannel);
            out.writeInt64(Msg.InsertRequest.COLLECTIONID_FIELD_NUMBER, collectionId);
            out.writeInt64(Msg.InsertRequest.PARTITIONID_FIELD_NUMBER, partitionId);
            out.flush();
            return message.concat(suffix.toByteString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shard index of a virtual channel ({@code <pchannel>_<collection id>v<index>}). */
    public static int shardIndex(String vchannel) {
        int v = vchannel.lastIndexOf('v');
        if (v < 0 || v == vchannel.length() - 1) {
            throw new IllegalArgumentException("not a virtual channel name: " + vchannel);
        }
        return Integer.parseInt(vchannel.substring(v + 1));
    }
}
