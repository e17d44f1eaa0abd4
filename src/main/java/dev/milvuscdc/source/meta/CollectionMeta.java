package dev.milvuscdc.source.meta;

import com.google.protobuf.ByteString;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.KeyValuePair;
import java.util.List;
import java.util.Map;

/**
 * A source collection as etcd describes it, with its fields merged into the schema (Milvus keeps
 * them under separate keys).
 *
 * @param schema           the full schema, system fields (id &lt; 100) included
 * @param physicalChannels the log channels of its shards (Kafka topics)
 * @param startPositions   per physical channel, the message-queue id of the collection's first message there
 * @param createTime       the hybrid timestamp of its creation
 */
public record CollectionMeta(
        long id,
        long dbId,
        String name,
        CollectionSchema schema,
        int shardsNum,
        ConsistencyLevel consistencyLevel,
        List<KeyValuePair> properties,
        List<String> virtualChannels,
        List<String> physicalChannels,
        Map<String, ByteString> startPositions,
        long createTime,
        boolean creating) {

    public CollectionMeta {
        startPositions = Map.copyOf(startPositions);
    }

    public boolean hasPartitionKey() {
        return schema.getFieldsList().stream().anyMatch(FieldSchema::getIsPartitionKey);
    }

    public FieldSchema primaryKey() {
        return schema.getFieldsList().stream()
                .filter(FieldSchema::getIsPrimaryKey)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("collection " + name + " (" + id + ") has no primary key field"));
    }

    /** A copy with this schema (the fields Milvus keeps under their own keys merged in). */
    CollectionMeta withSchema(CollectionSchema full) {
        return new CollectionMeta(id, dbId, name, full, shardsNum, consistencyLevel, properties, virtualChannels,
                physicalChannels, startPositions, createTime, creating);
    }
}
