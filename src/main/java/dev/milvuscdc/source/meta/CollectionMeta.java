package dev.milvuscdc.source.meta;

import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.KeyValuePair;
import java.util.List;

/**
 * A source collection as etcd describes it, with its fields merged into the schema (Milvus keeps
 * them under separate keys).
 *
 * @param schema the full schema, system fields (id &lt; 100) included
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
        boolean creating) {

    public boolean hasPartitionKey() {
        return schema.getFieldsList().stream().anyMatch(FieldSchema::getIsPartitionKey);
    }

    public FieldSchema primaryKey() {
        return schema.getFieldsList().stream()
                .filter(FieldSchema::getIsPrimaryKey)
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("collection " + name + " (" + id + ") has no primary key field"));
    }
}
