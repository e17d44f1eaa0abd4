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
                .setCollectionID(9).setPartitionID(8).setPartitionName("p1").setNumRows(2).addTimestamps(77).addTimestamps(77)
                .addFieldsData(ids).addFieldsData(vectors).build();

        ChangeEvent.Insert insert = (ChangeEvent.Insert) MessageDecoder.decode(request.toByteString()).orElseThrow();

        assertThat(insert.collectionId()).isEqualTo(9);
        assertThat(insert.partitionId()).isEqualTo(8);
        assertThat(insert.partitionName()).isEqualTo("p1");
        assertThat(insert.rowCount()).isEqualTo(2);
        assertThat(insert.columns()).extracting(EncodedColumn::name).containsExactly("id", "fv");
        assertThat(insert.columns()).extracting(EncodedColumn::fieldId).containsExactly(100L, 101L);
        assertThat(insert.columns().get(1).decode()).isEqualTo(vectors.toBuilder().clearFieldId().build());
        assertThat(insert.timestamp()).isEqualTo(77);
        assertThat(insert.serializedSize()).isBetween(ids.getSerializedSize() + vectors.getSerializedSize() - 8L,
                (long) ids.getSerializedSize() + vectors.getSerializedSize());
    }

    @Test
    void theInsertOfAnUpsertTakesItsTimestampFromItsRowsSinceItsBaseTimestampIsZero() throws Exception {
        Msg.InsertRequest request = Msg.InsertRequest.newBuilder()
                .setBase(MsgBase.newBuilder().setMsgType(MsgType.Insert).setTimestamp(0))
                .setCollectionID(9).setNumRows(2).addTimestamps(50).addTimestamps(50).build();

        assertThat(MessageDecoder.decode(request.toByteString()).orElseThrow().timestamp()).isEqualTo(50);
    }

    @Test
    void aDeleteKeepsItsKeysPartitionAndRowTimestamp() throws Exception {
        Msg.DeleteRequest request = Msg.DeleteRequest.newBuilder()
                .setBase(MsgBase.newBuilder().setMsgType(MsgType.Delete).setTimestamp(60))
                .setCollectionID(9).setPartitionID(-1).addInt64PrimaryKeys(4).addInt64PrimaryKeys(5)
                .addTimestamps(61).addTimestamps(61).build();

        ChangeEvent.Delete delete = (ChangeEvent.Delete) MessageDecoder.decode(request.toByteString()).orElseThrow();

        assertThat(delete.partitionId()).isEqualTo(ChangeEvent.Delete.ALL_PARTITIONS);
        assertThat(delete.primaryKeys().getIntId().getDataList()).containsExactly(4L, 5L);
        assertThat(delete.timestamp()).isEqualTo(61);
    }
}
