package dev.milvuscdc.sink;

import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.KeyValuePair;
import java.util.List;

/**
 * A source collection as the target must copy it.
 *
 * @param sourceSchema        the schema as the source's etcd keeps it (system fields included)
 * @param numPartitions       for a partition-key collection, the source's partition count; else 0
 * @param sourceCollectionId  the source's id of the collection, recorded on the target copy
 * @param sourceCreateTime    the hybrid timestamp of the collection's creation on the source
 */
public record CollectionDefinition(CollectionSchema sourceSchema, int shardsNum, ConsistencyLevel consistencyLevel,
                                   List<KeyValuePair> properties, int numPartitions, long sourceCollectionId,
                                   long sourceCreateTime) {

    public CollectionDefinition {
        properties = List.copyOf(properties);
    }
}
