package dev.milvuscdc.sink;

import static dev.milvuscdc.sink.FieldColumns.binaryVectors;
import static dev.milvuscdc.sink.FieldColumns.bools;
import static dev.milvuscdc.sink.FieldColumns.doubles;
import static dev.milvuscdc.sink.FieldColumns.floatVectors;
import static dev.milvuscdc.sink.FieldColumns.floats;
import static dev.milvuscdc.sink.FieldColumns.int64Arrays;
import static dev.milvuscdc.sink.FieldColumns.ints;
import static dev.milvuscdc.sink.FieldColumns.json;
import static dev.milvuscdc.sink.FieldColumns.longs;
import static dev.milvuscdc.sink.FieldColumns.strings;
import static dev.milvuscdc.sink.TargetFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import dev.milvuscdc.pipeline.RowBatcher;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.IDs;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.StringArray;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MilvusTargetWriterRowsIT {

    private static final String DB = "default";
    private static final List<String> ALL_FIELDS = List.of("id", "b", "i8", "i16", "i32", "f", "d", "s", "j", "arr", "fv", "$meta");
    private static TargetFixture target;

    @BeforeAll
    static void connect() throws Exception {
        target = new TargetFixture();
    }

    @AfterAll
    static void disconnect() {
        target.close();
    }

    @Test
    void everyFieldTypeRoundTripsWithTheSourceIds() {
        String name = loadedAllTypesCollection();
        target.upsert(DB, name, "_default", allTypeRows(1001L, "red"), 3);

        Map<Object, Map<String, Object>> rows = target.query(DB, name, "id", "id > 0", ALL_FIELDS);

        assertThat(rows).containsOnlyKeys(1001L, 1002L, 1003L);
        Map<String, Object> first = rows.get(1001L);
        assertThat(first).containsEntry("b", true).containsEntry("i8", -8).containsEntry("i16", 1600)
                .containsEntry("i32", 320000).containsEntry("f", 1.5f).containsEntry("d", 2.25d)
                .containsEntry("s", "red-1").containsEntry("arr", List.of(1L, 2L))
                .containsEntry("fv", List.of(0.1f, 0.2f, 0.3f, 0.4f));
        assertThat(first.get("j")).isEqualTo(FieldColumns.parse("{\"k\":[1,2],\"s\":\"x\"}"));
        assertThat(first.get("$meta")).isEqualTo(FieldColumns.parse("{\"color\":\"red\",\"n\":1}"));
        assertThat(rows.get(1003L)).containsEntry("b", true).containsEntry("s", "red-3").containsEntry("arr", List.of());
        assertThat(rows.get(1002L).get("$meta")).isEqualTo(FieldColumns.parse("{\"color\":\"blue\"}"));
    }

    @Test
    void binaryVectorsRoundTripAndUpsertTwiceKeepsOneRowPerKey() {
        String name = TargetFixture.uniqueName("binary");
        target.create(DB, name, TargetFixture.schema(name, false, List.of(
                primaryKey(field(100, "pk", DataType.Int64)), field(101, "bv", DataType.BinaryVector, "dim", "16"))));
        target.index(DB, name, "bv", "BIN_FLAT", "HAMMING");
        target.load(DB, name);
        List<FieldData> rows = List.of(longs("pk", 100, 1L, 2L, 3L),
                binaryVectors("bv", 101, 16, new byte[] {(byte) 0xff, 0x00, 0x01, 0x02, 0x0f, (byte) 0xf0}));

        target.upsert(DB, name, null, rows, 3);
        target.upsert(DB, name, null, rows, 3);

        assertThat(target.count(DB, name)).isEqualTo(3);
        Map<Object, Map<String, Object>> found = target.query(DB, name, "pk", "pk > 0", List.of("pk", "bv"));
        assertThat(found.get(1L)).containsEntry("bv", "ff00");
        assertThat(found.get(2L)).containsEntry("bv", "0102");
        assertThat(found.get(3L)).containsEntry("bv", "0ff0");
    }

    @Test
    void upsertingTheSameKeysAgainLeavesOneRowPerKeyWithTheLatestValues() {
        String name = loadedAllTypesCollection();
        target.upsert(DB, name, null, allTypeRows(2001L, "red"), 3);
        target.upsert(DB, name, null, allTypeRows(2001L, "red"), 3);
        target.upsert(DB, name, null, allTypeRows(2001L, "green"), 3);

        assertThat(target.count(DB, name)).isEqualTo(3);
        Map<Object, Map<String, Object>> rows = target.query(DB, name, "id", "id > 0", ALL_FIELDS);
        assertThat(rows).containsOnlyKeys(2001L, 2002L, 2003L);
        assertThat(rows.get(2001L)).containsEntry("s", "green-1");
        assertThat(rows.get(2001L).get("$meta")).isEqualTo(FieldColumns.parse("{\"color\":\"green\",\"n\":1}"));
    }

    @Test
    void insertedRowsKeepEveryFieldAndAReplayedUpsertOfThemLeavesOneRowPerKey() {
        String name = loadedAllTypesCollection();
        target.insert(DB, name, "_default", allTypeRows(4001L, "red"), 3);

        Map<Object, Map<String, Object>> inserted = target.query(DB, name, "id", "id > 0", ALL_FIELDS);
        assertThat(inserted).containsOnlyKeys(4001L, 4002L, 4003L);
        assertThat(inserted.get(4002L)).containsEntry("s", "red-2");

        target.upsert(DB, name, "_default", allTypeRows(4001L, "green"), 3);

        assertThat(target.count(DB, name)).isEqualTo(3);
        assertThat(target.query(DB, name, "id", "id > 0", ALL_FIELDS).get(4001L)).containsEntry("s", "green-1");
    }

    @Test
    void columnsJoinedStillEncodedReachTheTargetAsTheRowsOfEveryPart() {
        String name = loadedAllTypesCollection();
        List<ChangeEvent.Insert> parts = List.of(encodedInsert(allTypeRows(5001L, "red")), encodedInsert(allTypeRows(5004L, "blue")));

        List<RowBatcher.JoinedInsert> joined = new RowBatcher(1, 100, 1 << 20, 1).joinInserts(parts, "id");
        assertThat(joined).hasSize(1);
        target.writer.insert(DB, name, null, joined.get(0).rows().columns(), 6);

        Map<Object, Map<String, Object>> rows = target.query(DB, name, "id", "id > 0", ALL_FIELDS);
        assertThat(rows).containsOnlyKeys(5001L, 5002L, 5003L, 5004L, 5005L, 5006L);
        assertThat(rows.get(5004L)).containsEntry("s", "blue-1").containsEntry("arr", List.of(1L, 2L))
                .containsEntry("fv", rows.get(5001L).get("fv"));
        assertThat(rows.get(5004L).get("$meta")).isEqualTo(FieldColumns.parse("{\"color\":\"blue\",\"n\":1}"));
        for (String field : List.of("b", "i8", "i16", "i32", "f", "d", "j", "arr", "fv")) {
            assertThat(rows.get(5006L).get(field)).as(field).isEqualTo(rows.get(5003L).get(field));
        }
        assertThat(rows.get(5006L)).containsEntry("s", "blue-3");
    }

    private static ChangeEvent.Insert encodedInsert(List<FieldData> columns) {
        return new ChangeEvent.Insert(1, 1, "", 3, 1, columns.stream().map(EncodedColumn::of).toList());
    }

    @Test
    void deletesInt64KeysAndIgnoresAbsentOnes() {
        String name = loadedAllTypesCollection();
        target.upsert(DB, name, null, allTypeRows(3001L, "red"), 3);
        IDs keys = IDs.newBuilder().setIntId(LongArray.newBuilder().addData(3001L).addData(3003L).addData(99_999L)).build();

        target.writer.delete(DB, name, null, keys);
        target.writer.delete(DB, name, null, keys);

        assertThat(target.query(DB, name, "id", "id > 0", List.of("id"))).containsOnlyKeys(3002L);
    }

    @Test
    void deletesVarCharKeysWithQuotesBackslashesAndControlCharacters() {
        String name = TargetFixture.uniqueName("varchar_keys");
        target.create(DB, name, TargetFixture.schema(name, false, List.of(
                primaryKey(field(100, "pk", DataType.VarChar, "max_length", "64")),
                field(101, "fv", DataType.FloatVector, "dim", "2"))));
        target.index(DB, name, "fv", "FLAT", "L2");
        target.load(DB, name);
        List<String> keys = List.of("plain", "dq\"uote", "sq'uote", "back\\slash", "tail\\", "new\nline\ttab", "ünï©ode", "\"]) or pk in [\"x");
        List<Float> vectors = new ArrayList<>();
        keys.forEach(k -> vectors.addAll(List.of(1f, 2f)));
        target.upsert(DB, name, null, List.of(strings("pk", 100, keys.toArray(String[]::new)),
                floatVectors("fv", 101, 2, vectors)), keys.size());
        assertThat(target.query(DB, name, "pk", "", List.of("pk")).keySet()).containsExactlyInAnyOrderElementsOf(keys);

        List<String> doomed = keys.subList(1, keys.size());
        target.writer.delete(DB, name, null, IDs.newBuilder().setStrId(StringArray.newBuilder().addAllData(doomed)).build());

        assertThat(target.query(DB, name, "pk", "", List.of("pk"))).containsOnlyKeys("plain");
    }

    @Test
    void partitionKeyCollectionIgnoresTheSourcePhysicalPartitionName() {
        String name = TargetFixture.uniqueName("partition_key");
        target.writer.createCollection(DB, name, new CollectionDefinition(TargetFixture.schema(name, false, List.of(
                primaryKey(field(100, "pk", DataType.Int64)),
                field(101, "tenant", DataType.Int64).toBuilder().setIsPartitionKey(true).build(),
                field(102, "fv", DataType.FloatVector, "dim", "2"))), 1, io.milvus.grpc.ConsistencyLevel.Strong, List.of(), 4,
                TargetFixture.SOURCE_ID, 0));
        target.index(DB, name, "fv", "FLAT", "L2");
        target.load(DB, name);

        target.upsert(DB, name, "_default_2", List.of(longs("pk", 100, 1L, 2L), longs("tenant", 101, 7L, 8L),
                floatVectors("fv", 102, 2, List.of(1f, 1f, 2f, 2f))), 2);
        target.writer.delete(DB, name, "_default_2", IDs.newBuilder().setIntId(LongArray.newBuilder().addData(2L)).build());

        Map<Object, Map<String, Object>> rows = target.query(DB, name, "pk", "pk > 0", List.of("pk", "tenant"));
        assertThat(rows).containsOnlyKeys(1L);
        assertThat(rows.get(1L)).containsEntry("tenant", 7L);
    }

    private static String loadedAllTypesCollection() {
        String name = TargetFixture.uniqueName("all_types");
        target.create(DB, name, allTypesSchema(name));
        target.index(DB, name, "fv", "FLAT", "L2");
        target.load(DB, name);
        return name;
    }

    /** As the source's etcd stores it: system fields, autoID primary key, a {@code $meta} dynamic field. */
    static CollectionSchema allTypesSchema(String name) {
        List<FieldSchema> fields = new ArrayList<>(TargetFixture.systemFields());
        fields.add(primaryKey(field(100, "id", DataType.Int64)).toBuilder().setAutoID(true).build());
        fields.add(field(101, "b", DataType.Bool));
        fields.add(field(102, "i8", DataType.Int8));
        fields.add(field(103, "i16", DataType.Int16));
        fields.add(field(104, "i32", DataType.Int32));
        fields.add(field(105, "f", DataType.Float));
        fields.add(field(106, "d", DataType.Double));
        fields.add(field(107, "s", DataType.VarChar, "max_length", "64"));
        fields.add(field(108, "j", DataType.JSON));
        fields.add(field(109, "arr", DataType.Array, "max_capacity", "4").toBuilder().setElementType(DataType.Int64).build());
        fields.add(field(111, "fv", DataType.FloatVector, "dim", "4"));
        fields.add(field(112, "$meta", DataType.JSON).toBuilder().setIsDynamic(true).build());
        return TargetFixture.schema(name, true, fields).toBuilder().setAutoID(true).build();
    }

    /** Three rows starting at {@code firstId}, with the system columns a source insert may carry. */
    static List<FieldData> allTypeRows(long firstId, String color) {
        return List.of(
                longs("RowID", 0, 11L, 12L, 13L),
                longs("Timestamp", 1, 5L, 5L, 5L),
                longs("id", 100, firstId, firstId + 1, firstId + 2),
                bools("b", 101, true, false, true),
                ints("i8", 102, DataType.Int8, -8, 0, 127),
                ints("i16", 103, DataType.Int16, 1600, -1600, 0),
                ints("i32", 104, DataType.Int32, 320000, 1, -320000),
                floats("f", 105, 1.5f, -0.25f, 0f),
                doubles("d", 106, 2.25d, -1e300, 0d),
                strings("s", 107, color + "-1", color + "-2", color + "-3"),
                json("j", 108, false, "{\"k\":[1,2],\"s\":\"x\"}", "{\"empty\":[]}", "{\"nested\":{\"a\":null}}"),
                int64Arrays("arr", 109, List.of(List.of(1L, 2L), List.of(3L, 4L, 5L, 6L), List.of())),
                floatVectors("fv", 111, 4, List.of(0.1f, 0.2f, 0.3f, 0.4f, 1f, 1f, 1f, 1f, 0f, 0f, 0f, 1f)),
                json("$meta", 112, true, "{\"color\":\"" + color + "\",\"n\":1}", "{\"color\":\"blue\"}", "{}"));
    }

    static FieldSchema primaryKey(FieldSchema field) {
        return field.toBuilder().setIsPrimaryKey(true).build();
    }
}
