package dev.milvuscdc.source.log;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.milvuscdc.event.ChangeEvent;
import io.milvus.grpc.CreateDatabaseRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DropDatabaseRequest;
import io.milvus.grpc.DropIndexRequest;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.IDs;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgHeader;
import io.milvus.grpc.MsgType;
import io.milvus.grpc.ReleaseCollectionRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import milvus.proto.msg.Msg;

/**
 * Decodes one message-queue payload the way Milvus's own consumer does (the bytes are first read as
 * a {@link MsgHeader} to learn the type, then read again as that type's request) into a typed
 * {@link ChangeEvent}. Operations of the replicate channel name their database; an empty name is
 * Milvus's default database.
 */
public final class MessageDecoder {

    private static final String DEFAULT_DB = "default";

    private MessageDecoder() {
    }

    /** The change the payload carries, or empty for message types a CDC does not replay. */
    public static Optional<ChangeEvent> decode(ByteString payload) throws InvalidProtocolBufferException {
        MsgBase base = base(payload);
        MsgType type = base.getMsgType();
        long ts = base.getTimestamp();
        return Optional.ofNullable(switch (type) {
            case Insert -> InsertDecoder.decode(payload);
            case Delete -> delete(payload);
            case TimeTick -> new ChangeEvent.TimeTick(ts);
            case CreateCollection -> new ChangeEvent.CollectionCreated(
                    Msg.CreateCollectionRequest.parseFrom(payload).getCollectionID(), ts);
            case DropCollection -> dropCollection(Msg.DropCollectionRequest.parseFrom(payload), ts);
            case DropPartition -> dropPartition(Msg.DropPartitionRequest.parseFrom(payload), ts);
            case CreateDatabase -> new ChangeEvent.DatabaseCreated(db(CreateDatabaseRequest.parseFrom(payload).getDbName()), ts);
            case DropDatabase -> new ChangeEvent.DatabaseDropped(db(DropDatabaseRequest.parseFrom(payload).getDbName()), ts);
            case CreateIndex -> createIndex(CreateIndexRequest.parseFrom(payload), ts);
            case DropIndex -> dropIndex(DropIndexRequest.parseFrom(payload), ts);
            case LoadCollection -> load(LoadCollectionRequest.parseFrom(payload), ts);
            case ReleaseCollection -> release(ReleaseCollectionRequest.parseFrom(payload), ts);
            case Flush -> flush(FlushRequest.parseFrom(payload), ts);
            default -> null;
        });
    }

    /**
     * The header's {@code base} alone, read by hand: everything after it is unknown to {@link MsgHeader},
     * and protobuf would copy it aside as unknown fields, for an insert a copy of all its rows.
     */
    private static MsgBase base(ByteString payload) throws InvalidProtocolBufferException {
        CodedInputStream in = payload.newCodedInput();
        in.enableAliasing(true);
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == MsgHeader.BASE_FIELD_NUMBER) {
                    return MsgBase.parseFrom(in.readBytes());
                }
                in.skipField(tag);
            }
        } catch (IOException e) {
            throw e instanceof InvalidProtocolBufferException invalid ? invalid : new InvalidProtocolBufferException(e);
        }
        return MsgBase.getDefaultInstance();
    }

    private static ChangeEvent delete(ByteString message) throws InvalidProtocolBufferException {
        Msg.DeleteRequest request = Msg.DeleteRequest.parseFrom(message);
        // Milvus 2.3 may still fill the older int64_primary_keys list instead of primary_keys.
        IDs keys = request.hasPrimaryKeys()
                ? request.getPrimaryKeys()
                : IDs.newBuilder().setIntId(LongArray.newBuilder().addAllData(request.getInt64PrimaryKeysList())).build();
        return new ChangeEvent.Delete(request.getCollectionID(), request.getPartitionID(), request.getPartitionName(), keys,
                InsertDecoder.rowTimestamp(request.getTimestampsList(), request.getBase().getTimestamp()), message,
                request.getShardName());
    }

    private static ChangeEvent dropCollection(Msg.DropCollectionRequest request, long ts) {
        return new ChangeEvent.CollectionDropped(request.getCollectionID(), request.getCollectionName(), ts);
    }

    private static ChangeEvent dropPartition(Msg.DropPartitionRequest request, long ts) {
        return new ChangeEvent.PartitionDropped(request.getCollectionID(), request.getPartitionID(),
                request.getPartitionName(), ts);
    }

    private static ChangeEvent createIndex(CreateIndexRequest request, long ts) {
        Map<String, String> params = new LinkedHashMap<>();
        for (KeyValuePair pair : request.getExtraParamsList()) {
            params.put(pair.getKey(), pair.getValue());
        }
        return new ChangeEvent.IndexCreated(db(request.getDbName()), request.getCollectionName(), request.getFieldName(),
                request.getIndexName(), params, ts);
    }

    private static ChangeEvent dropIndex(DropIndexRequest request, long ts) {
        return new ChangeEvent.IndexDropped(db(request.getDbName()), request.getCollectionName(), request.getFieldName(),
                request.getIndexName(), ts);
    }

    private static ChangeEvent load(LoadCollectionRequest request, long ts) {
        return new ChangeEvent.CollectionLoaded(db(request.getDbName()), request.getCollectionName(),
                request.getReplicaNumber(), ts);
    }

    private static ChangeEvent release(ReleaseCollectionRequest request, long ts) {
        return new ChangeEvent.CollectionReleased(db(request.getDbName()), request.getCollectionName(), ts);
    }

    private static ChangeEvent flush(FlushRequest request, long ts) {
        return new ChangeEvent.Flushed(db(request.getDbName()), request.getCollectionNamesList(), ts);
    }

    private static String db(String name) {
        return name.isEmpty() ? DEFAULT_DB : name;
    }
}
