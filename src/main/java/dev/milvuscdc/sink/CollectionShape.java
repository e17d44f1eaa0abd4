package dev.milvuscdc.sink;

import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.FieldSchema;

/** What row writes need to know about a target collection: its primary key and whether a partition key routes rows. */
record CollectionShape(String primaryKey, boolean partitionKey) {

    static CollectionShape of(CollectionSchema schema) {
        String primaryKey = schema.getFieldsList().stream()
                .filter(FieldSchema::getIsPrimaryKey)
                .map(FieldSchema::getName)
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("collection " + schema.getName() + " has no primary key"));
        boolean partitionKey = schema.getFieldsList().stream().anyMatch(FieldSchema::getIsPartitionKey);
        return new CollectionShape(primaryKey, partitionKey);
    }
}
