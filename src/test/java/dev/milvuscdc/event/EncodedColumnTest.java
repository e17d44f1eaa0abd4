package dev.milvuscdc.event;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.milvus.grpc.ArrayArray;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.JSONArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.util.List;
import org.junit.jupiter.api.Test;

class EncodedColumnTest {

    @Test
    void readsNameTypeAndIdAndKeepsTheValuesWithoutTheId() throws Exception {
        FieldData source = floats(105, 1f, 2f, 3f, 4f);

        EncodedColumn column = EncodedColumn.of(source.toByteString());

        assertThat(column.name()).isEqualTo("fv");
        assertThat(column.fieldId()).isEqualTo(105);
        assertThat(column.type()).isEqualTo(DataType.FloatVector);
        assertThat(column.decode()).isEqualTo(source.toBuilder().clearFieldId().build());
        assertThat(column.packedBytesVectors()).isFalse();
    }

    @Test
    void twoEncodedColumnsOneAfterTheOtherReadAsOneColumnWithTheRowsOfBoth() {
        List<FieldData[]> pairs = List.of(
                new FieldData[] {floats(105, 1f, 2f), floats(105, 3f, 4f)},
                new FieldData[] {scalar("id", DataType.Int64, ScalarField.newBuilder().setLongData(LongArray.newBuilder().addData(1))),
                        scalar("id", DataType.Int64, ScalarField.newBuilder().setLongData(LongArray.newBuilder().addData(2)))},
                new FieldData[] {scalar("s", DataType.VarChar, ScalarField.newBuilder().setStringData(StringArray.newBuilder().addData("a"))),
                        scalar("s", DataType.VarChar, ScalarField.newBuilder().setStringData(StringArray.newBuilder().addData("b")))},
                new FieldData[] {scalar("j", DataType.JSON, ScalarField.newBuilder().setJsonData(JSONArray.newBuilder().addData(ByteString.copyFromUtf8("{}")))),
                        scalar("j", DataType.JSON, ScalarField.newBuilder().setJsonData(JSONArray.newBuilder().addData(ByteString.copyFromUtf8("[1]"))))},
                new FieldData[] {scalar("arr", DataType.Array, ScalarField.newBuilder().setArrayData(ArrayArray.newBuilder().setElementType(DataType.Int64)
                                .addData(ScalarField.newBuilder().setLongData(LongArray.newBuilder().addData(7))))),
                        scalar("arr", DataType.Array, ScalarField.newBuilder().setArrayData(ArrayArray.newBuilder().setElementType(DataType.Int64)
                                .addData(ScalarField.newBuilder().setLongData(LongArray.newBuilder().addData(8).addData(9)))))});

        for (FieldData[] pair : pairs) {
            ByteString both = EncodedColumn.of(pair[0]).bytes().concat(EncodedColumn.of(pair[1]).bytes());
            FieldData expected = pair[0].toBuilder().mergeFrom(pair[1]).clearFieldId().build();

            assertThat(new EncodedColumn(pair[0].getFieldName(), 0, pair[0].getType(), both).decode()).isEqualTo(expected);
        }
    }

    @Test
    void vectorsPackedIntoOneBytesValueAreMarkedSinceTheyDoNotJoinThatWay() {
        FieldData bits = FieldData.newBuilder().setFieldName("bv").setFieldId(101).setType(DataType.BinaryVector)
                .setVectors(VectorField.newBuilder().setDim(8).setBinaryVector(ByteString.copyFrom(new byte[] {1}))).build();

        assertThat(EncodedColumn.of(bits).packedBytesVectors()).isTrue();
    }

    private static FieldData floats(long id, float... values) {
        FloatArray.Builder data = FloatArray.newBuilder();
        for (float value : values) {
            data.addData(value);
        }
        return FieldData.newBuilder().setFieldName("fv").setFieldId(id).setType(DataType.FloatVector)
                .setVectors(VectorField.newBuilder().setDim(2).setFloatVector(data)).build();
    }

    private static FieldData scalar(String name, DataType type, ScalarField.Builder values) {
        return FieldData.newBuilder().setFieldName(name).setFieldId(100).setType(type).setScalars(values).build();
    }
}
