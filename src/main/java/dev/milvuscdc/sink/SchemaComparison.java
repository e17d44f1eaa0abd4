package dev.milvuscdc.sink;

import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.KeyValuePair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Says how an existing target collection differs from the one the source asks for, in terms an
 * operator can act on. Only what decides whether rows can be replicated is compared: field names,
 * types, type parameters, primary key and its autoID, partition key and the dynamic field.
 */
final class SchemaComparison {

    private SchemaComparison() {
    }

    /** Empty when both schemas (already translated for the target) are equivalent. */
    static Optional<String> difference(CollectionSchema wanted, CollectionSchema existing) {
        List<String> differences = new ArrayList<>();
        if (wanted.getEnableDynamicField() != existing.getEnableDynamicField()) {
            differences.add("the dynamic field is " + onOff(existing.getEnableDynamicField()) + " on the target but "
                    + onOff(wanted.getEnableDynamicField()) + " on the source");
        }
        Map<String, FieldSchema> existingFields = byName(existing);
        Map<String, FieldSchema> wantedFields = byName(wanted);
        for (FieldSchema field : wantedFields.values()) {
            FieldSchema other = existingFields.get(field.getName());
            if (other == null) {
                differences.add("field '" + field.getName() + "' is missing on the target");
            } else if (!describe(field).equals(describe(other))) {
                differences.add("field '" + field.getName() + "' is " + describe(other) + " on the target but "
                        + describe(field) + " on the source");
            }
        }
        for (String name : existingFields.keySet()) {
            if (!wantedFields.containsKey(name)) {
                differences.add("field '" + name + "' exists only on the target");
            }
        }
        return differences.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", differences));
    }

    private static String describe(FieldSchema field) {
        StringBuilder text = new StringBuilder(field.getDataType().name());
        if (field.getDataType() == io.milvus.grpc.DataType.Array) {
            text.append('<').append(field.getElementType().name()).append('>');
        }
        Map<String, String> params = new TreeMap<>();
        for (KeyValuePair pair : field.getTypeParamsList()) {
            params.put(pair.getKey(), pair.getValue());
        }
        if (!params.isEmpty()) {
            text.append(params);
        }
        if (field.getIsPrimaryKey()) {
            text.append(field.getAutoID() ? " primary key with autoID" : " primary key");
        }
        if (field.getIsPartitionKey()) {
            text.append(" partition key");
        }
        return text.toString();
    }

    private static Map<String, FieldSchema> byName(CollectionSchema schema) {
        Map<String, FieldSchema> fields = new LinkedHashMap<>();
        for (FieldSchema field : schema.getFieldsList()) {
            fields.put(field.getName(), field);
        }
        return fields;
    }

    private static String onOff(boolean enabled) {
        return enabled ? "enabled" : "disabled";
    }
}
