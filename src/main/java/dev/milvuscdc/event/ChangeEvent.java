package dev.milvuscdc.event;

import com.google.protobuf.Message;
import io.milvus.grpc.MsgType;
import milvus.proto.msg.Msg;

/**
 * A change read from the source's log, in Milvus's own message classes so that column data passes
 * through untouched. Every event has the hybrid timestamp the source gave it.
 */
public sealed interface ChangeEvent {

    long timestamp();

    /** Rows written to one shard of a collection; replayed on the target as an upsert. */
    record Insert(Msg.InsertRequest request) implements ChangeEvent {
        public long timestamp() {
            return request.getBase().getTimestamp();
        }
    }

    /** Rows deleted by primary key from one shard of a collection. */
    record Delete(Msg.DeleteRequest request) implements ChangeEvent {
        public long timestamp() {
            return request.getBase().getTimestamp();
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
