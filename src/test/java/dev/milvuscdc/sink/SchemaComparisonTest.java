package dev.milvuscdc.sink;

import static dev.milvuscdc.sink.TargetFixture.field;
import static org.assertj.core.api.Assertions.assertThat;

import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldSchema;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SchemaComparisonTest {

    @Test
    void translationDropsSystemAndDynamicFieldsAndAutoId() {
        List<FieldSchema> fields = new ArrayList<>(TargetFixture.systemFields());
        fields.add(field(100, "id", DataType.Int64).toBuilder().setIsPrimaryKey(true).setAutoID(true).build());
        fields.add(field(101, "v", DataType.FloatVector, "dim", "4"));
        fields.add(field(102, "$meta", DataType.JSON).toBuilder().setIsDynamic(true).build());

        CollectionSchema target = SchemaTranslator.forTarget("renamed", TargetFixture.schema("source_name", false, fields));

        assertThat(target.getName()).isEqualTo("renamed");
        assertThat(target.getEnableDynamicField()).isTrue();
        assertThat(target.getFieldsList()).extracting(FieldSchema::getName).containsExactly("id", "v");
        assertThat(target.getFields(0).getAutoID()).isFalse();
        assertThat(target.getFields(0).getFieldID()).isZero();
    }

    @Test
    void equivalentSchemasHaveNoDifference() {
        assertThat(SchemaComparison.difference(schema(true, "8"), schema(true, "8"))).isEmpty();
    }

    @Test
    void eachDifferenceIsNamed() {
        CollectionSchema wanted = schema(true, "8");
        CollectionSchema existing = schema(false, "16").toBuilder()
                .setFields(0, field(100, "id", DataType.VarChar, "max_length", "8").toBuilder().setIsPrimaryKey(true).build())
                .addFields(field(102, "extra", DataType.Bool))
                .build();

        assertThat(SchemaComparison.difference(wanted, existing)).hasValue(
                "the dynamic field is disabled on the target but enabled on the source; "
                        + "field 'id' is VarChar{max_length=8} primary key on the target but Int64 primary key on the source; "
                        + "field 'v' is FloatVector{dim=16} on the target but FloatVector{dim=8} on the source; "
                        + "field 'extra' exists only on the target");
    }

    @Test
    void partitionKeyAndMissingFieldsAreDifferences() {
        CollectionSchema wanted = schema(false, "8").toBuilder()
                .addFields(field(102, "tenant", DataType.Int64).toBuilder().setIsPartitionKey(true).build()).build();
        CollectionSchema existing = schema(false, "8").toBuilder().addFields(field(102, "tenant", DataType.Int64)).build();

        assertThat(SchemaComparison.difference(wanted, existing)).hasValue(
                "field 'tenant' is Int64 on the target but Int64 partition key on the source");
        assertThat(SchemaComparison.difference(wanted, schema(false, "8"))).hasValue("field 'tenant' is missing on the target");
    }

    private static CollectionSchema schema(boolean dynamic, String dim) {
        return TargetFixture.schema("c", dynamic, List.of(
                field(100, "id", DataType.Int64).toBuilder().setIsPrimaryKey(true).build(),
                field(101, "v", DataType.FloatVector, "dim", dim)));
    }
}
