package dev.milvuscdc.sink;

import com.google.protobuf.UnknownFieldSet;
import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.DeleteRequest;
import io.milvus.grpc.IDs;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.MutationResult;
import io.milvus.grpc.UpsertRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Row changes: inserts, upserts (for inserts that may have been applied before) and deletes by
 * primary key. Column data is passed through as the source encoded it. Caches each target
 * collection's {@link CollectionShape}; DDL calls {@link #forget} when a collection changes.
 */
final class DmlApplier {

    private static final Logger LOG = LoggerFactory.getLogger(DmlApplier.class);

    private final TargetCalls calls;
    private final DdlApplier ddl;
    private final ProxyCacheRefresh proxyCache;
    private final Map<String, CollectionShape> shapes = new ConcurrentHashMap<>();

    DmlApplier(TargetCalls calls, DdlApplier ddl) {
        this.calls = calls;
        this.ddl = ddl;
        this.proxyCache = new ProxyCacheRefresh(calls);
    }

    void upsert(String db, String collection, String partition, List<EncodedColumn> columns, int numRows) {
        if (numRows == 0) {
            return;
        }
        UpsertRequest.Builder request = UpsertRequest.newBuilder().setDbName(db).setCollectionName(collection).setNumRows(numRows);
        Optional<String> partitionName = partitionOf(db, collection, partition);
        partitionName.ifPresent(request::setPartitionName);
        request.setUnknownFields(encodedColumns(UpsertRequest.FIELDS_DATA_FIELD_NUMBER, columns));
        write(db, collection, partitionName, () -> calls.call("upsert into", TargetCalls.object(db, collection), db,
                s -> s.upsert(request.build()), MutationResult::getStatus));
    }

    void insert(String db, String collection, String partition, List<EncodedColumn> columns, int numRows) {
        if (numRows == 0) {
            return;
        }
        InsertRequest.Builder request = InsertRequest.newBuilder().setDbName(db).setCollectionName(collection).setNumRows(numRows);
        Optional<String> partitionName = partitionOf(db, collection, partition);
        partitionName.ifPresent(request::setPartitionName);
        request.setUnknownFields(encodedColumns(InsertRequest.FIELDS_DATA_FIELD_NUMBER, columns));
        write(db, collection, partitionName, () -> calls.call("insert into", TargetCalls.object(db, collection), db,
                s -> s.insert(request.build()), MutationResult::getStatus));
    }

    /**
     * Runs a row change; when the target says its partition is missing although the target has it, its
     * proxy's cache is stale ({@link ProxyCacheRefresh}): refreshes that cache and runs the change again.
     */
    private void write(String db, String collection, Optional<String> partition, Runnable change) {
        try {
            change.run();
        } catch (TargetObjectMissingException e) {
            if (!e.partition() || partition.isEmpty() || !ddl.partitionExists(db, collection, partition.get())) {
                throw e;
            }
            LOG.warn("the target's proxy does not know partition {} of {}, which the target has (its cache missed the"
                    + " creation, as right after a target restart); refreshing the cache", partition.get(),
                    TargetCalls.object(db, collection));
            proxyCache.refresh(db, collection);
            try {
                change.run();
            } catch (TargetObjectMissingException again) {
                if (!again.partition()) {
                    throw again;
                }
                throw RetriableTargetException.forAWhile(again.operation(), again.object(), again.detail()
                        + "; the target has the partition but its proxy still does not know it after a refresh",
                        "The task refreshes the proxy's cache and retries; check the target Milvus's log",
                        TargetErrorClassifier.RECOVERING_PATIENCE);
            }
        }
    }

    /** The partition to name in a row change; none for partition-key collections, whose rows Milvus routes itself. */
    private Optional<String> partitionOf(String db, String collection, String partition) {
        CollectionShape shape = shape(db, collection);
        boolean named = partition != null && !partition.isEmpty() && !shape.partitionKey();
        return named ? Optional.of(partition) : Optional.empty();
    }

    /**
     * The source's columns, without its system fields, as the request's {@code fields_data}: written
     * as encoded, so that the values are copied, never decoded (see {@link EncodedColumn}). Protobuf
     * writes a message's unknown fields as they are, and the target reads them as {@code fields_data}.
     */
    static UnknownFieldSet encodedColumns(int fieldsDataNumber, List<EncodedColumn> columns) {
        UnknownFieldSet.Field.Builder fieldsData = UnknownFieldSet.Field.newBuilder();
        columns.stream()
                .filter(column -> !SchemaTranslator.isSystemField(column.fieldId(), column.name()))
                .forEach(column -> fieldsData.addLengthDelimited(column.bytes()));
        return UnknownFieldSet.newBuilder().addField(fieldsDataNumber, fieldsData.build()).build();
    }

    void delete(String db, String collection, String partition, IDs primaryKeys) {
        CollectionShape shape = shape(db, collection);
        Optional<String> partitionName = partitionOf(db, collection, partition);
        for (String expression : DeleteExpression.batches(shape.primaryKey(), primaryKeys)) {
            DeleteRequest.Builder request = DeleteRequest.newBuilder()
                    .setDbName(db)
                    .setCollectionName(collection)
                    .setExpr(expression);
            partitionName.ifPresent(request::setPartitionName);
            write(db, collection, partitionName, () -> calls.call("delete from", TargetCalls.object(db, collection), db,
                    s -> s.delete(request.build()), MutationResult::getStatus));
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
