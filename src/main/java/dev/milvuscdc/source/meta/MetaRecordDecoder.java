package dev.milvuscdc.source.meta;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.milvuscdc.source.meta.proto.EtcdMeta;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.KeyValuePair;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Turns one etcd key and value under {@code <root>/meta/root-coord/} into a {@link MetaChange}.
 * Keys of objects a CDC does not follow (aliases, credentials, ...) decode to nothing.
 */
final class MetaRecordDecoder {

    /** Milvus writes this value ("⛼") instead of deleting a key at once. */
    private static final byte[] TOMBSTONE = {(byte) 0xE2, (byte) 0x9B, (byte) 0xBC};
    static final long DEFAULT_DATABASE_ID = 1;

    private MetaRecordDecoder() {
    }

    /**
     * @param relativeKey the key with the {@code <root>/meta/root-coord/} prefix removed
     * @param value       the value, or null for a physical delete
     */
    static Optional<MetaChange> decode(String relativeKey, byte[] value) throws InvalidProtocolBufferException {
        String[] parts = relativeKey.split("/");
        boolean removed = value == null || Arrays.equals(value, TOMBSTONE);
        if (parts.length == 3 && parts[0].equals("database") && parts[1].equals("db-info")) {
            long dbId = Long.parseLong(parts[2]);
            return Optional.of(removed ? new MetaChange.DatabaseRemoved(dbId) : database(value));
        }
        if (parts.length == 4 && parts[0].equals("database") && parts[1].equals("collection-info")) {
            return Optional.of(collectionChange(Long.parseLong(parts[2]), Long.parseLong(parts[3]), value, removed));
        }
        if (parts.length == 2 && parts[0].equals("collection")) {
            return Optional.of(collectionChange(DEFAULT_DATABASE_ID, Long.parseLong(parts[1]), value, removed));
        }
        if (parts.length == 3 && parts[0].equals("partitions")) {
            long collectionId = Long.parseLong(parts[1]);
            long partitionId = Long.parseLong(parts[2]);
            return Optional.of(removed ? new MetaChange.PartitionRemoved(collectionId, partitionId) : partition(value));
        }
        if (parts.length == 3 && parts[0].equals("fields")) {
            long collectionId = Long.parseLong(parts[1]);
            return Optional.of(removed
                    ? new MetaChange.FieldRemoved(collectionId, Long.parseLong(parts[2]))
                    : new MetaChange.FieldPut(collectionId, FieldSchema.parseFrom(value)));
        }
        return Optional.empty();
    }

    private static MetaChange database(byte[] value) throws InvalidProtocolBufferException {
        EtcdMeta.DatabaseInfo info = EtcdMeta.DatabaseInfo.parseFrom(value);
        if (info.getState() == EtcdMeta.DatabaseState.DatabaseDropping
                || info.getState() == EtcdMeta.DatabaseState.DatabaseDropped) {
            return new MetaChange.DatabaseRemoved(info.getId());
        }
        return new MetaChange.DatabasePut(new DatabaseMeta(info.getId(), info.getName()));
    }

    private static MetaChange collectionChange(long dbId, long collectionId, byte[] value, boolean removed)
            throws InvalidProtocolBufferException {
        if (removed) {
            return new MetaChange.CollectionRemoved(dbId, collectionId);
        }
        EtcdMeta.CollectionInfo info = EtcdMeta.CollectionInfo.parseFrom(value);
        CollectionSchema schema = CollectionSchema.parseFrom(info.getSchema());
        List<KeyValuePair> properties = info.getPropertiesList().stream()
                .map(p -> KeyValuePair.newBuilder().setKey(p.getKey()).setValue(p.getValue()).build())
                .toList();
        ConsistencyLevel level = ConsistencyLevel.forNumber(info.getConsistencyLevel());
        CollectionMeta meta = new CollectionMeta(
                info.getID(),
                info.getDbId() != 0 ? info.getDbId() : dbId,
                schema.getName(),
                schema,
                info.getShardsNum(),
                level == null ? ConsistencyLevel.Bounded : level,
                properties,
                List.copyOf(info.getVirtualChannelNamesList()),
                List.copyOf(info.getPhysicalChannelNamesList()),
                startPositions(info),
                info.getCreateTime(),
                info.getState() == EtcdMeta.CollectionState.CollectionCreating);
        boolean dropping = info.getState() == EtcdMeta.CollectionState.CollectionDropping
                || info.getState() == EtcdMeta.CollectionState.CollectionDropped;
        return new MetaChange.CollectionPut(meta, dropping);
    }

    /** Per physical channel, the id of the collection's first message there (its CreateCollection). */
    private static Map<String, ByteString> startPositions(EtcdMeta.CollectionInfo info) {
        Map<String, ByteString> positions = new LinkedHashMap<>();
        info.getStartPositionsList().forEach(p -> positions.put(p.getKey(), p.getData()));
        return positions;
    }

    private static MetaChange partition(byte[] value) throws InvalidProtocolBufferException {
        EtcdMeta.PartitionInfo info = EtcdMeta.PartitionInfo.parseFrom(value);
        PartitionMeta.State state = switch (info.getState()) {
            case PartitionCreated -> PartitionMeta.State.CREATED;
            case PartitionCreating -> PartitionMeta.State.CREATING;
            case PartitionDropping, PartitionDropped, UNRECOGNIZED -> PartitionMeta.State.DROPPING;
        };
        return new MetaChange.PartitionPut(
                new PartitionMeta(info.getPartitionID(), info.getCollectionId(), info.getPartitionName(), state));
    }
}
