package dev.milvuscdc.event;

import com.google.protobuf.Message;
import io.milvus.grpc.MsgType;
import java.util.List;
import milvus.proto.msg.Msg;

/**
 * A change read from the source's log, in Milvus's own message classes, with column data passed
 * through still encoded. Every event has the hybrid timestamp the source gave it.
 */
public sealed interface ChangeEvent {

    long timestamp();

    /**
     * Rows written to one shard of a collection; replayed on the target as an insert (an upsert
     * where the target may hold the rows already). The rows' own timestamps are the truth: Milvus
     * 2.3.5 leaves {@code base.timestamp} at 0 in the inserts of an upsert (observed on the rig),
     * while every row carries the request's timestamp.
     *
     * @param request the insert without its {@code fields_data}
     * @param columns its {@code fields_data}, still encoded
     */
    record Insert(Msg.InsertRequest request, List<EncodedColumn> columns) implements ChangeEvent {

        public Insert {
            columns = List.copyOf(columns);
        }

        public long timestamp() {
            return request.getTimestampsCount() > 0 ? request.getTimestamps(0) : request.getBase().getTimestamp();
        }

        /** About the size of the message on the wire. */
        public long serializedSize() {
            return request.getSerializedSize() + columns.stream().mapToLong(c -> c.bytes().size()).sum();
        }
    }

    /** Rows deleted by primary key from one shard of a collection; timestamps as for {@link Insert}. */
    record Delete(Msg.DeleteRequest request) implements ChangeEvent {
        public long timestamp() {
            return request.getTimestampsCount() > 0 ? request.getTimestamps(0) : request.getBase().getTimestamp();
        }
    }

    /** Everything on the channel up to this timestamp has been written: closes a pack. */
    record TimeTick(long timestamp) implements ChangeEvent {
    }

    record CollectionCreated(Msg.CreateCollectionRequest request) implements ChangeEvent {
        public long timestamp() {
            return request.getBase().getTimestamp();
        }
    }

    record CollectionDropped(Msg.DropCollectionRequest request) implements ChangeEvent {
        public long timestamp() {
            return request.getBase().getTimestamp();
        }
    }

    record PartitionDropped(Msg.DropPartitionRequest request) implements ChangeEvent {
        public long timestamp() {
            return request.getBase().getTimestamp();
        }
    }

    /**
     * An operation from the replicate channel (database, index, load, release, flush): the request
     * the source's proxy executed, as it executed it.
     */
    record Operation(MsgType type, Message request, long timestamp) implements ChangeEvent {
    }
}
