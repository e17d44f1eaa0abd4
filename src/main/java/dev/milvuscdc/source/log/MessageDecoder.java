package dev.milvuscdc.source.log;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.milvuscdc.event.ChangeEvent;
import io.milvus.grpc.CreateDatabaseRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DropDatabaseRequest;
import io.milvus.grpc.DropIndexRequest;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LoadPartitionsRequest;
import io.milvus.grpc.MsgHeader;
import io.milvus.grpc.MsgType;
import io.milvus.grpc.ReleaseCollectionRequest;
import io.milvus.grpc.ReleasePartitionsRequest;
import java.util.Optional;
import milvus.proto.msg.Msg;

/**
 * Decodes one message-queue payload the way Milvus's own consumer does: the bytes are first read
 * as a {@link MsgHeader} to learn the type, then read again as that type's request.
 */
public final class MessageDecoder {

    private MessageDecoder() {
    }

    /** The change the payload carries, or empty for message types a CDC does not replay. */
    public static Optional<ChangeEvent> decode(byte[] payload) throws InvalidProtocolBufferException {
        MsgHeader header = MsgHeader.parseFrom(payload);
        MsgType type = header.getBase().getMsgType();
        long timestamp = header.getBase().getTimestamp();
        return Optional.ofNullable(switch (type) {
            case Insert -> InsertDecoder.decode(payload);
            case Delete -> new ChangeEvent.Delete(Msg.DeleteRequest.parseFrom(payload));
            case TimeTick -> new ChangeEvent.TimeTick(timestamp);
            case CreateCollection -> new ChangeEvent.CollectionCreated(Msg.CreateCollectionRequest.parseFrom(payload));
            case DropCollection -> new ChangeEvent.CollectionDropped(Msg.DropCollectionRequest.parseFrom(payload));
            case DropPartition -> new ChangeEvent.PartitionDropped(Msg.DropPartitionRequest.parseFrom(payload));
            case CreateDatabase -> operation(type, CreateDatabaseRequest.parseFrom(payload), timestamp);
            case DropDatabase -> operation(type, DropDatabaseRequest.parseFrom(payload), timestamp);
            case CreateIndex -> operation(type, CreateIndexRequest.parseFrom(payload), timestamp);
            case DropIndex -> operation(type, DropIndexRequest.parseFrom(payload), timestamp);
            case LoadCollection -> operation(type, LoadCollectionRequest.parseFrom(payload), timestamp);
            case ReleaseCollection -> operation(type, ReleaseCollectionRequest.parseFrom(payload), timestamp);
            case LoadPartitions -> operation(type, LoadPartitionsRequest.parseFrom(payload), timestamp);
            case ReleasePartitions -> operation(type, ReleasePartitionsRequest.parseFrom(payload), timestamp);
            case Flush -> operation(type, FlushRequest.parseFrom(payload), timestamp);
            default -> null;
        });
    }

    private static ChangeEvent operation(MsgType type, Message request, long timestamp) {
        return new ChangeEvent.Operation(type, request, timestamp);
    }
}
