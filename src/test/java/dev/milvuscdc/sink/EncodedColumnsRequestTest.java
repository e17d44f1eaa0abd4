package dev.milvuscdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.InsertRequest;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.UpsertRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The encoded columns a row change writes are what the target reads as its fields_data. */
class EncodedColumnsRequestTest {

    private final FieldData rowIds = longs("RowID", 0, 11L, 12L);
    private final FieldData ids = longs("id", 100, 1L, 2L);

    @Test
    void anInsertCarriesTheUserColumnsWithoutFieldIds() throws Exception {
        InsertRequest request = InsertRequest.newBuilder().setCollectionName("c").setNumRows(2)
                .setUnknownFields(DmlApplier.encodedColumns(InsertRequest.FIELDS_DATA_FIELD_NUMBER,
                        List.of(EncodedColumn.of(rowIds), EncodedColumn.of(ids))))
                .build();

        InsertRequest read = InsertRequest.parseFrom(request.toByteArray());

        assertThat(read.getFieldsDataList()).containsExactly(ids.toBuilder().clearFieldId().build());
        assertThat(read.getCollectionName()).isEqualTo("c");
    }

    @Test
    void anUpsertToo() throws Exception {
        UpsertRequest request = UpsertRequest.newBuilder().setNumRows(2)
                .setUnknownFields(DmlApplier.encodedColumns(UpsertRequest.FIELDS_DATA_FIELD_NUMBER, List.of(EncodedColumn.of(ids))))
                .build();

        assertThat(UpsertRequest.parseFrom(request.toByteArray()).getFieldsDataList()).containsExactly(ids.toBuilder().clearFieldId().build());
    }

    private static FieldData longs(String name, long id, long... values) {
        LongArray.Builder data = LongArray.newBuilder();
        for (long value : values) {
            data.addData(value);
        }
        return FieldData.newBuilder().setFieldName(name).setFieldId(id).setType(DataType.Int64)
                .setScalars(ScalarField.newBuilder().setLongData(data)).build();
    }
}
