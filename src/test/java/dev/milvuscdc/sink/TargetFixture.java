package dev.milvuscdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.GetLoadStateRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.LoadState;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;

/** A connection and writer to the rig's target Milvus, plus schema builders and a Strong-consistency query. */
final class TargetFixture implements AutoCloseable {

    final MilvusConnection connection;
    final MilvusTargetWriter writer;

    TargetFixture() throws MilvusConnectException {
        connection = MilvusConnection.open(MilvusPeer.TARGET, new MilvusConnectParam(Rig.get().targetUri(), null, null, 0, null, null,
                false, null, 0, false, 10));
        writer = new MilvusTargetWriter(connection);
    }

    static String uniqueName(String prefix) {
        return prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static FieldSchema field(long id, String name, DataType type, String... params) {
        FieldSchema.Builder field = FieldSchema.newBuilder().setFieldID(id).setName(name).setDataType(type);
        for (int i = 0; i < params.length; i += 2) {
            field.addTypeParams(KeyValuePair.newBuilder().setKey(params[i]).setValue(params[i + 1]));
        }
        return field.build();
    }

    /** The system fields every schema in the source's etcd starts with. */
    static List<FieldSchema> systemFields() {
        return List.of(field(0, "RowID", DataType.Int64), field(1, "Timestamp", DataType.Int64));
    }

    static CollectionSchema schema(String name, boolean dynamic, List<FieldSchema> fields) {
        return CollectionSchema.newBuilder().setName(name).setEnableDynamicField(dynamic).addAllFields(fields).build();
    }

    /** The source collection id the fixture's collections copy unless a test names another. */
    static final long SOURCE_ID = 4242;

    void create(String db, String name, CollectionSchema schema) {
        create(db, name, schema, SOURCE_ID);
    }

    void create(String db, String name, CollectionSchema schema, long sourceId) {
        writer.createCollection(db, name, new CollectionDefinition(schema, 1, ConsistencyLevel.Bounded, List.of(), 0, sourceId, 0));
    }

    void index(String db, String collection, String field, String indexType, String metric) {
        writer.createIndex(db, new ChangeEvent.IndexCreated(db, collection, field, "",
                Map.of("index_type", indexType, "metric_type", metric, "params", "{}"), 0));
    }

    void load(String db, String collection) {
        writer.loadCollection(db, new ChangeEvent.CollectionLoaded(db, collection, 1, 0));
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> loadState(db, collection) == LoadState.LoadStateLoaded);
    }

    LoadState loadState(String db, String collection) {
        return connection.stub(db).getLoadState(GetLoadStateRequest.newBuilder().setDbName(db).setCollectionName(collection)
                .build()).getState();
    }

    /** Rows by primary key; each row maps output field name to value. Fails on duplicate keys. */
    Map<Object, Map<String, Object>> query(String db, String collection, String primaryKey, String expr, List<String> outputs) {
        QueryResults results = queryRaw(db, collection, expr, outputs);
        FieldData keys = results.getFieldsDataList().stream().filter(f -> f.getFieldName().equals(primaryKey)).findFirst().orElseThrow();
        Map<Object, Map<String, Object>> rows = new LinkedHashMap<>();
        for (int i = 0; i < FieldColumns.rows(keys); i++) {
            Map<String, Object> row = new HashMap<>();
            for (FieldData field : results.getFieldsDataList()) {
                row.put(field.getFieldName(), FieldColumns.value(field, i));
            }
            assertThat(rows.put(FieldColumns.value(keys, i), row)).as("duplicate key %s", FieldColumns.value(keys, i)).isNull();
        }
        return rows;
    }

    long count(String db, String collection) {
        QueryResults results = queryRaw(db, collection, "", List.of("count(*)"));
        return results.getFieldsData(0).getScalars().getLongData().getData(0);
    }

    private QueryResults queryRaw(String db, String collection, String expr, List<String> outputs) {
        QueryResults results = connection.stub(db).query(QueryRequest.newBuilder().setDbName(db).setCollectionName(collection)
                .setExpr(expr).addAllOutputFields(outputs).setConsistencyLevel(ConsistencyLevel.Strong)
                .addQueryParams(expr.isEmpty() && !outputs.contains("count(*)") ? kv("limit", "16384") : kv("ignore_growing", "false"))
                .build());
        assertThat(results.getStatus().getReason()).isEmpty();
        return results;
    }

    /** Upserts decoded columns through the writer, which takes them encoded as the engine reads them. */
    void upsert(String db, String collection, String partition, List<FieldData> columns, int numRows) {
        writer.upsert(db, collection, partition, columns.stream().map(EncodedColumn::of).toList(), numRows);
    }

    void insert(String db, String collection, String partition, List<FieldData> columns, int numRows) {
        writer.insert(db, collection, partition, columns.stream().map(EncodedColumn::of).toList(), numRows);
    }

    static KeyValuePair kv(String key, String value) {
        return KeyValuePair.newBuilder().setKey(key).setValue(value).build();
    }

    @Override
    public void close() {
        connection.close();
    }
}
