package dev.milvuscdc.sink;

import static dev.milvuscdc.sink.FieldColumns.floatVectors;
import static dev.milvuscdc.sink.FieldColumns.longs;
import static dev.milvuscdc.sink.MilvusTargetWriterRowsIT.allTypesSchema;
import static dev.milvuscdc.sink.MilvusTargetWriterRowsIT.primaryKey;
import static dev.milvuscdc.sink.TargetFixture.field;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.event.ChangeEvent;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.DescribeIndexRequest;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.GetCollectionStatisticsRequest;
import io.milvus.grpc.HasCollectionRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ListDatabasesRequest;
import io.milvus.grpc.LoadState;
import io.milvus.grpc.ShowPartitionsRequest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MilvusTargetWriterDdlIT {

    private static final String DB = "default";
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
    void createsTheCollectionWithoutSystemFieldsOrAutoIdAndTreatsARepeatAsNoOp() {
        String name = TargetFixture.uniqueName("twice");
        target.create(DB, name, allTypesSchema(name));
        target.create(DB, name, allTypesSchema(name));

        CollectionSchema created = describe(DB, name);
        assertThat(created.getFieldsList()).extracting(FieldSchema::getName)
                .containsExactly("id", "b", "i8", "i16", "i32", "f", "d", "s", "j", "arr", "fv");
        assertThat(created.getFields(0).getIsPrimaryKey()).isTrue();
        assertThat(created.getFields(0).getAutoID()).isFalse();
        assertThat(created.getEnableDynamicField()).isTrue();
        assertThat(created.getFields(9).getDataType()).isEqualTo(DataType.Array);
        assertThat(created.getFields(9).getElementType()).isEqualTo(DataType.Int64);
    }

    @Test
    void aConflictingExistingCollectionIsAPermanentErrorThatSaysWhatDiffers() {
        String name = TargetFixture.uniqueName("conflict");
        target.create(DB, name, vectorSchema(name, "4"));

        assertThatThrownBy(() -> target.create(DB, name, vectorSchema(name, "8")))
                .isInstanceOf(PermanentTargetException.class)
                .hasMessageContaining("default." + name)
                .hasMessageContaining("field 'fv' is FloatVector{dim=4} on the target but FloatVector{dim=8} on the source")
                .hasMessageContaining("Drop or rename the target collection default." + name + ", then resume the task");
        assertThat(describe(DB, name).getFields(1).getTypeParams(0).getValue()).isEqualTo("4");
    }

    @Test
    void aCollectionCarriesTheSourceIdItCopiesAndIsNeverTakenForTheCopyOfAnother() {
        String name = TargetFixture.uniqueName("marked");
        target.create(DB, name, vectorSchema(name, "4"), 7001);

        assertThat(target.writer.existingCollection(DB, name)).hasValueSatisfying(c -> {
            assertThat(c.sourceCollectionId()).hasValue(7001);
            assertThat(c.copies(7001)).isTrue();
        });
        assertThatThrownBy(() -> target.create(DB, name, vectorSchema(name, "4"), 7002))
                .isInstanceOf(PermanentTargetException.class)
                .hasMessageContaining("the copy of source collection 7001, not of source collection 7002");

        assertThat(target.writer.dropCollection(DB, name, 7002)).as("the copy of another collection stays").isFalse();
        assertThat(hasCollection(DB, name)).isTrue();
        assertThat(target.writer.dropCollection(DB, name, 7001)).isTrue();
        assertThat(target.writer.existingCollection(DB, name)).isEmpty();
    }

    @Test
    void aCollectionMilvusCdcDidNotCreateIsNeverAdopted() {
        String name = TargetFixture.uniqueName("foreign");
        CollectionSchema schema = TargetFixture.schema(name, false, List.of(
                primaryKey(field(100, "pk", DataType.Int64)), field(101, "fv", DataType.FloatVector, "dim", "4")));
        target.connection.stub(DB).createCollection(CreateCollectionRequest.newBuilder().setDbName(DB).setCollectionName(name)
                .setSchema(schema.toByteString()).setShardsNum(1).build());

        assertThat(target.writer.existingCollection(DB, name)).hasValueSatisfying(c ->
                assertThat(c.sourceCollectionId()).isEmpty());
        assertThatThrownBy(() -> target.create(DB, name, vectorSchema(name, "4")))
                .isInstanceOf(PermanentTargetException.class)
                .hasMessageContaining("not a copy made by milvus-cdc");
        assertThat(target.writer.dropCollection(DB, name, TargetFixture.SOURCE_ID)).isFalse();
        assertThat(target.writer.collections(DB)).anySatisfy(c -> assertThat(c.name()).isEqualTo(name));
    }

    @Test
    void databasesAreCreatedAndDroppedOnceAndCollectionsLandInTheirDatabase() {
        String db = TargetFixture.uniqueName("db");
        target.writer.createDatabase(db);
        target.writer.createDatabase(db);
        assertThat(databases()).contains(db);

        String name = TargetFixture.uniqueName("in_db");
        target.create(db, name, vectorSchema(name, "2"));
        assertThat(hasCollection(db, name)).isTrue();
        assertThat(hasCollection(DB, name)).isFalse();

        target.writer.dropCollection(db, name, TargetFixture.SOURCE_ID);
        target.writer.dropCollection(db, name, TargetFixture.SOURCE_ID);
        assertThat(hasCollection(db, name)).isFalse();
        target.writer.dropDatabase(db);
        target.writer.dropDatabase(db);
        target.writer.dropDatabase(DB);
        assertThat(databases()).doesNotContain(db).contains(DB);
    }

    @Test
    void droppingADatabaseThatStillHasCollectionsIsRetriedUntilTheyAreGone() {
        String db = TargetFixture.uniqueName("db_busy");
        String name = TargetFixture.uniqueName("left");
        target.writer.createDatabase(db);
        target.create(db, name, vectorSchema(name, "2"));

        assertThatThrownBy(() -> target.writer.dropDatabase(db))
                .isInstanceOf(RetriableTargetException.class)
                .hasMessageContaining("drop database " + db);
        assertThat(databases()).contains(db);

        target.writer.dropCollection(db, name, TargetFixture.SOURCE_ID);
        target.writer.dropDatabase(db);
        assertThat(databases()).doesNotContain(db);
    }

    @Test
    void partitionsAreCreatedAndDroppedOnceEvenWhileLoaded() {
        String name = TargetFixture.uniqueName("parts");
        target.create(DB, name, vectorSchema(name, "2"));
        target.writer.createPartition(DB, name, "p1");
        target.writer.createPartition(DB, name, "p1");
        target.writer.createPartition(DB, name, "_default");
        assertThat(partitions(name)).containsExactlyInAnyOrder("_default", "p1");

        target.upsert(DB, name, "p1", List.of(longs("pk", 100, 1L), floatVectors("fv", 101, 2, List.of(1f, 2f))), 1);
        target.index(DB, name, "fv", "FLAT", "L2");
        target.load(DB, name);
        assertThat(target.query(DB, name, "pk", "pk > 0", List.of("pk"))).containsOnlyKeys(1L);

        target.writer.dropPartition(DB, name, "p1");
        target.writer.dropPartition(DB, name, "p1");
        target.writer.dropPartition(DB, name, "_default");
        assertThat(partitions(name)).containsExactly("_default");
    }

    @Test
    void indexesAreCreatedOnceConflictsAreReportedAndDropsAreIdempotent() {
        String name = TargetFixture.uniqueName("indexes");
        target.create(DB, name, vectorSchema(name, "2"));
        target.writer.createIndex(DB, ivf(name, "L2", "{\"nlist\": 128}"));
        target.writer.createIndex(DB, ivf(name, "L2", "{\"nlist\":\"128\"}"));
        assertThat(indexNames(name)).containsExactly("fv_idx");

        assertThatThrownBy(() -> target.writer.createIndex(DB, ivf(name, "IP", "{\"nlist\": 128}")))
                .isInstanceOf(PermanentTargetException.class)
                .hasMessageContaining("default." + name)
                .hasMessageContaining("field 'fv' already has index 'fv_idx'")
                .hasMessageContaining("Drop that index on the target");

        ChangeEvent.IndexDropped drop = new ChangeEvent.IndexDropped(DB, name, "fv", "fv_idx", 0);
        target.writer.dropIndex(DB, drop);
        target.writer.dropIndex(DB, drop);
        assertThat(indexNames(name)).isEmpty();
    }

    @Test
    void loadAndReleaseAreIdempotent() {
        String name = TargetFixture.uniqueName("load");
        target.create(DB, name, vectorSchema(name, "2"));
        target.index(DB, name, "fv", "FLAT", "L2");
        target.load(DB, name);
        target.load(DB, name);
        assertThat(target.loadState(DB, name)).isEqualTo(LoadState.LoadStateLoaded);

        target.writer.releaseCollection(DB, name);
        target.writer.releaseCollection(DB, name);
        target.writer.releaseCollection(DB, "never_created");
        assertThat(target.loadState(DB, name)).isEqualTo(LoadState.LoadStateNotLoad);
    }

    @Test
    void flushSealsTheRowsOfCollectionsThatExist() {
        String name = TargetFixture.uniqueName("flush");
        target.create(DB, name, vectorSchema(name, "2"));
        target.upsert(DB, name, null, List.of(longs("pk", 100, 1L, 2L, 3L),
                floatVectors("fv", 101, 2, List.of(1f, 1f, 2f, 2f, 3f, 3f))), 3);

        target.writer.flush(DB, List.of(name, "never_created"));

        Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(rowCount(name)).isEqualTo("3"));
    }

    private static ChangeEvent.IndexCreated ivf(String collection, String metric, String params) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("index_type", "IVF_FLAT");
        extra.put("metric_type", metric);
        extra.put("params", params);
        return new ChangeEvent.IndexCreated(DB, collection, "fv", "fv_idx", extra, 0);
    }

    private static CollectionSchema vectorSchema(String name, String dim) {
        return TargetFixture.schema(name, false, List.of(primaryKey(field(100, "pk", DataType.Int64)),
                field(101, "fv", DataType.FloatVector, "dim", dim)));
    }

    private static CollectionSchema describe(String db, String name) {
        return target.connection.stub().describeCollection(DescribeCollectionRequest.newBuilder().setDbName(db)
                .setCollectionName(name).build()).getSchema();
    }

    private static boolean hasCollection(String db, String name) {
        return target.connection.stub().hasCollection(HasCollectionRequest.newBuilder().setDbName(db).setCollectionName(name).build())
                .getValue();
    }

    private static List<String> databases() {
        return target.connection.stub().listDatabases(ListDatabasesRequest.getDefaultInstance()).getDbNamesList();
    }

    private static List<String> partitions(String name) {
        return target.connection.stub().showPartitions(ShowPartitionsRequest.newBuilder().setDbName(DB).setCollectionName(name).build())
                .getPartitionNamesList();
    }

    private static List<String> indexNames(String name) {
        return target.connection.stub().describeIndex(DescribeIndexRequest.newBuilder().setDbName(DB).setCollectionName(name).build())
                .getIndexDescriptionsList().stream().map(i -> i.getIndexName()).toList();
    }

    private static String rowCount(String name) {
        return target.connection.stub().getCollectionStatistics(GetCollectionStatisticsRequest.newBuilder().setDbName(DB)
                .setCollectionName(name).build()).getStatsList().stream().filter(s -> s.getKey().equals("row_count"))
                .map(KeyValuePair::getValue).findFirst().orElse("");
    }
}
