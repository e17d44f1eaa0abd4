package dev.milvuscdc.event;

import com.google.protobuf.ByteString;
import io.milvus.grpc.IDs;
import java.util.List;
import java.util.Map;

/**
 * A change read from the source's log, decoded into what the engine needs and nothing more. Every
 * event has the hybrid timestamp the source gave it. Collections and partitions are named by the
 * source's ids, which identify them for good; names can be reused after a drop. Row data is passed
 * through still encoded ({@link EncodedColumn}).
 */
public sealed interface ChangeEvent {

    long timestamp();

    /**
     * Rows written to one shard of a collection; replayed on the target as an insert (an upsert
     * where the target may hold the rows already).
     *
     * @param partitionName the source partition's name, empty when the message names none
     * @param columns       the insert's {@code fields_data}, still encoded
     * @param message       the whole message as the source wrote it (sharing its bytes with the columns)
     * @param shard         the source's virtual channel of the rows, e.g. {@code by-dev-rootcoord-dml_0_4470v0}
     */
    record Insert(long collectionId, long partitionId, String partitionName, long rowCount, long timestamp,
                  List<EncodedColumn> columns, ByteString message, String shard) implements ChangeEvent {

        public Insert {
            columns = List.copyOf(columns);
        }

        /** Rows that no source message carried as such (a copy's page, a test's rows). */
        public Insert(long collectionId, long partitionId, String partitionName, long rowCount, long timestamp,
                      List<EncodedColumn> columns) {
            this(collectionId, partitionId, partitionName, rowCount, timestamp, columns, ByteString.EMPTY, "");
        }

        /** About the size of the rows on the wire. */
        public long serializedSize() {
            return columns.stream().mapToLong(c -> c.bytes().size()).sum();
        }
    }

    /**
     * Rows deleted by primary key from one shard of a collection.
     *
     * @param partitionId {@link #ALL_PARTITIONS} when the delete names no partition
     * @param message     the whole message as the source wrote it
     * @param shard       the source's virtual channel of the rows
     */
    record Delete(long collectionId, long partitionId, String partitionName, IDs primaryKeys, long timestamp,
                  ByteString message, String shard) implements ChangeEvent {

        /** Milvus's partition id for "every partition of the collection". */
        public static final long ALL_PARTITIONS = -1;

        /** A delete that no source message carried as such (a test's). */
        public Delete(long collectionId, long partitionId, String partitionName, IDs primaryKeys, long timestamp) {
            this(collectionId, partitionId, partitionName, primaryKeys, timestamp, ByteString.EMPTY, "");
        }
    }

    /** Everything on the channel up to this timestamp has been written: closes a pack. */
    record TimeTick(long timestamp) implements ChangeEvent {
    }

    record CollectionCreated(long collectionId, long timestamp) implements ChangeEvent {
    }

    /** @param collectionName the name the collection had; its database is not in the message */
    record CollectionDropped(long collectionId, String collectionName, long timestamp) implements ChangeEvent {
    }

    record PartitionDropped(long collectionId, long partitionId, String partitionName, long timestamp)
            implements ChangeEvent {
    }

    record DatabaseCreated(String database, long timestamp) implements ChangeEvent {
    }

    record DatabaseDropped(String database, long timestamp) implements ChangeEvent {
    }

    /**
     * An operation on a collection named by database and name (the replicate channel carries no
     * ids): the collection that had this name at {@link #timestamp()}.
     */
    sealed interface CollectionOperation extends ChangeEvent {
        String database();

        String collection();
    }

    /** @param params the index parameters as the source's client gave them (index_type, metric_type, params) */
    record IndexCreated(String database, String collection, String field, String indexName, Map<String, String> params,
                        long timestamp) implements CollectionOperation {

        public IndexCreated {
            params = Map.copyOf(params);
        }
    }

    record IndexDropped(String database, String collection, String field, String indexName, long timestamp)
            implements CollectionOperation {
    }

    record CollectionLoaded(String database, String collection, int replicas, long timestamp)
            implements CollectionOperation {
    }

    record CollectionReleased(String database, String collection, long timestamp) implements CollectionOperation {
    }

    record Flushed(String database, List<String> collections, long timestamp) implements ChangeEvent {

        public Flushed {
            collections = List.copyOf(collections);
        }
    }
}
