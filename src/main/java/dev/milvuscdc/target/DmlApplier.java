package dev.milvuscdc.target;

import io.milvus.grpc.DeleteRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.IDs;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.UpsertRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Row changes: inserts are applied as upserts and deletes by primary key, so replaying a message
 * changes nothing. Column data is passed through as the source carried it. Caches each target
 * collection's {@link CollectionShape}; DDL calls {@link #forget} when a collection changes.
 */
final class DmlApplier {

    private final TargetCalls calls;
    private final DdlApplier ddl;
    private final Map<String, CollectionShape> shapes = new ConcurrentHashMap<>();

    DmlApplier(TargetCalls calls, DdlApplier ddl) {
        this.calls = calls;
        this.ddl = ddl;
    }

    void upsert(String db, String collection, String partition, List<FieldData> fields, int numRows) {
        if (numRows == 0) {
            return;
        }
        CollectionShape shape = shape(db, collection);
        UpsertRequest.Builder request = UpsertRequest.newBuilder()
                .setDbName(db)
                .setCollectionName(collection)
                .setNumRows(numRows);
        if (partition != null && !partition.isEmpty() && !shape.partitionKey()) {
            request.setPartitionName(partition);
        }
        for (FieldData field : fields) {
            if (!SchemaTranslator.isSystemField(field.getFieldId(), field.getFieldName())) {
                // Field ids are assigned per cluster; the target matches columns by name.
                request.addFieldsData(field.toBuilder().clearFieldId().build());
            }
        }
        calls.call("upsert into", TargetCalls.object(db, collection), db, s -> s.upsert(request.build()),
                MutationResult::getStatus);
    }

    void delete(String db, String collection, String partition, IDs primaryKeys) {
        CollectionShape shape = shape(db, collection);
        for (String expression : DeleteExpression.batches(shape.primaryKey(), primaryKeys)) {
            DeleteRequest.Builder request = DeleteRequest.newBuilder()
                    .setDbName(db)
                    .setCollectionName(collection)
                    .setExpr(expression);
            if (partition != null && !partition.isEmpty() && !shape.partitionKey()) {
                request.setPartitionName(partition);
            }
            calls.call("delete from", TargetCalls.object(db, collection), db, s -> s.delete(request.build()),
                    MutationResult::getStatus);
        }
    }

    void forget(String db, String collection) {
        shapes.remove(TargetCalls.object(db, collection));
    }

    private CollectionShape shape(String db, String collection) {
        String object = TargetCalls.object(db, collection);
        CollectionShape cached = shapes.get(object);
        if (cached != null) {
            return cached;
        }
        CollectionShape shape = ddl.describe(db, collection).map(CollectionShape::of).orElseThrow(() ->
                new PermanentTargetException("write to", object, "the collection does not exist on the target",
                        "Check that the task created it and that nobody dropped it on the target, then resume the task"));
        shapes.put(object, shape);
        return shape;
    }
}
