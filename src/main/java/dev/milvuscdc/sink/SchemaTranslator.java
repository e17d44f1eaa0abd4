package dev.milvuscdc.sink;

import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.FieldSchema;
import java.util.Set;

/**
 * Turns a source collection schema (as stored in the source's etcd) into the schema to create on
 * the target: system fields and the {@code $meta} dynamic field go (Milvus adds them itself), and
 * the primary key stops generating ids because the target keeps the ids the source generated.
 */
final class SchemaTranslator {

    static final int FIRST_USER_FIELD_ID = 100;
    private static final Set<String> SYSTEM_FIELD_NAMES = Set.of("RowID", "Timestamp");

    private SchemaTranslator() {
    }

    static CollectionSchema forTarget(String collection, CollectionSchema source) {
        CollectionSchema.Builder target = CollectionSchema.newBuilder()
                .setName(collection)
                .setDescription(source.getDescription())
                .setEnableDynamicField(source.getEnableDynamicField() || hasDynamicField(source));
        for (FieldSchema field : source.getFieldsList()) {
            if (!isSystemField(field.getFieldID(), field.getName()) && !field.getIsDynamic()) {
                target.addFields(field.toBuilder()
                        .clearFieldID()
                        .clearState()
                        .clearIndexParams()
                        .setAutoID(false)
                        .build());
            }
        }
        return target.build();
    }

    /** RowID (0) and Timestamp (1) and any other id below 100; a user field never has such an id. */
    static boolean isSystemField(long fieldId, String name) {
        if (fieldId >= FIRST_USER_FIELD_ID) {
            return false;
        }
        return fieldId > 1 || SYSTEM_FIELD_NAMES.contains(name);
    }

    private static boolean hasDynamicField(CollectionSchema schema) {
        return schema.getFieldsList().stream().anyMatch(FieldSchema::getIsDynamic);
    }
}
