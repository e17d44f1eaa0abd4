package dev.milvuscdc.source.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgType;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.VectorField;
import milvus.proto.msg.Msg;
import org.junit.jupiter.api.Test;

class InsertDecoderTest {

    @Test
    void anInsertComesApartIntoItsRequestWithoutColumnsAndItsEncodedColumns() throws Exception {
        FieldData ids = FieldData.newBuilder().setFieldName("id").setFieldId(100).setType(DataType.Int64)
                .setScalars(ScalarField.newBuilder().setLongData(LongArray.newBuilder().addData(1).addData(2))).build();
        FieldData vectors = FieldData.newBuilder().setFieldName("fv").setFieldId(101).setType(DataType.FloatVector)
                .setVectors(VectorField.newBuilder().setDim(1).setFloatVector(FloatArray.newBuilder().addData(0.5f).addData(1.5f))).build();
        Msg.InsertRequest request = Msg.InsertRequest.newBuilder()
                .setBase(MsgBase.newBuilder().setMsgType(MsgType.Insert).setTimestamp(77))
                .setCollectionID(9).setPartitionName("p1").setNumRows(2).addTimestamps(77).addTimestamps(77)
                .addFieldsData(ids).addFieldsData(vectors).build();

        ChangeEvent.Insert insert = (ChangeEvent.Insert) MessageDecoder.decode(request.toByteArray()).orElseThrow();

        assertThat(insert.request()).isEqualTo(request.toBuilder().clearFieldsData().build());
        assertThat(insert.columns()).extracting(EncodedColumn::name).containsExactly("id", "fv");
        assertThat(insert.columns()).extracting(EncodedColumn::fieldId).containsExactly(100L, 101L);
        assertThat(insert.columns().get(1).decode()).isEqualTo(vectors.toBuilder().clearFieldId().build());
        assertThat(insert.timestamp()).isEqualTo(77);
        assertThat(insert.serializedSize()).isBetween(request.getSerializedSize() - 8L, (long) request.getSerializedSize());
    }
}
