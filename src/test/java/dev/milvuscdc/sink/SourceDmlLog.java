package dev.milvuscdc.sink;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.milvuscdc.rig.SourceLog.LogRecord;
import dev.milvuscdc.rig.SourceLog;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.MsgType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import milvus.proto.msg.Msg;
import org.apache.kafka.common.TopicPartition;

/**
 * The real Insert, Delete and CreateCollection messages the source Milvus wrote to its Kafka DML
 * channels for one collection, in the order a replicator applies them: by timestamp, and at equal
 * timestamps (an upsert) deletes before inserts.
 */
final class SourceDmlLog {

    private static final String DML_TOPIC_PREFIX = "by-dev-rootcoord-dml_";

    record Message(MsgType type, long timestamp, byte[] payload) {
    }

    private SourceDmlLog() {
    }

    /** @param start where the DML topics stood before the collection was created ({@link SourceLog#endOffsets()}) */
    static List<Message> of(String bootstrap, Map<TopicPartition, Long> start, String collection)
            throws InvalidProtocolBufferException {
        List<Message> messages = new ArrayList<>();
        for (LogRecord record : new SourceLog(bootstrap).readFrom(start)) {
            if (!record.topic().startsWith(DML_TOPIC_PREFIX)) {
                continue;
            }
            byte[] value = record.value();
            var base = record.base();
            long timestamp = base.getTimestamp();
            String name = switch (base.getMsgType()) {
                case Insert -> {
                    Msg.InsertRequest insert = Msg.InsertRequest.parseFrom(value);
                    // 2.3.5 leaves base.timestamp 0 on the insert half of an upsert; its rows carry the real one.
                    timestamp = insert.getTimestampsCount() > 0 ? insert.getTimestamps(0) : timestamp;
                    yield insert.getCollectionName();
                }
                case Delete -> Msg.DeleteRequest.parseFrom(value).getCollectionName();
                // 2.3.5 leaves collectionName empty here; the schema carries the name.
                case CreateCollection -> CollectionSchema.parseFrom(Msg.CreateCollectionRequest.parseFrom(value).getSchema()).getName();
                default -> "";
            };
            if (name.equals(collection)) {
                messages.add(new Message(base.getMsgType(), timestamp, value));
            }
        }
        messages.sort(Comparator.comparingLong(Message::timestamp).thenComparing(m -> m.type() != MsgType.Delete));
        return messages;
    }
}
