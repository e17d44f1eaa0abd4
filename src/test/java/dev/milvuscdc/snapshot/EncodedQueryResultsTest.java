package dev.milvuscdc.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.Status;
import io.milvus.grpc.VectorField;
import java.io.ByteArrayInputStream;
import org.junit.jupiter.api.Test;

class EncodedQueryResultsTest {

    private static final FieldData KEYS = FieldData.newBuilder().setFieldName("id").setFieldId(100).setType(DataType.Int64)
            .setScalars(ScalarField.newBuilder().setLongData(LongArray.newBuilder().addData(7).addData(9))).build();
    private static final FieldData VECTORS = FieldData.newBuilder().setFieldName("vec").setFieldId(101)
            .setType(DataType.FloatVector).setVectors(VectorField.newBuilder().setDim(2)
                    .setFloatVector(FloatArray.newBuilder().addData(1f).addData(2f).addData(3f).addData(4f))).build();

    @Test
    void splitsTheColumnsAsTheSourceEncodedThemAndReadsTheStatus() throws Exception {
        QueryResults answer = QueryResults.newBuilder().setStatus(Status.newBuilder().setCode(0))
                .addFieldsData(KEYS).addFieldsData(VECTORS).setCollectionName("c").addOutputFields("*").build();

        EncodedQueryResults results = EncodedQueryResults.parse(answer.toByteString());

        assertThat(results.status()).isEqualTo(answer.getStatus());
        assertThat(results.columns()).containsExactly(EncodedColumn.of(KEYS), EncodedColumn.of(VECTORS));
        assertThat(results.columns().get(1).decode()).isEqualTo(VECTORS.toBuilder().clearFieldId().build());
        assertThat(results.bytes()).isEqualTo(answer.getSerializedSize());
    }

    @Test
    void anAnswerWithoutColumnsHasItsStatusOnly() throws Exception {
        Status refused = Status.newBuilder().setCode(101).setReason("collection not loaded").build();

        EncodedQueryResults results = EncodedQueryResults.parse(QueryResults.newBuilder().setStatus(refused).build().toByteString());

        assertThat(results.status()).isEqualTo(refused);
        assertThat(results.columns()).isEmpty();
    }

    @Test
    void bytesThatAreNoMessageAreRefused() {
        assertThatThrownBy(() -> EncodedQueryResults.parse(ByteString.copyFrom(new byte[] {(byte) 0x12, (byte) 0x7f, 1})))
                .isInstanceOf(InvalidProtocolBufferException.class);
    }

    @Test
    void theQueryMethodTakesItsAnswerAsBytes() throws Exception {
        ByteString answer = QueryResults.newBuilder().addFieldsData(KEYS).build().toByteString();

        ByteString received = EncodedQueryResults.QUERY.parseResponse(new ByteArrayInputStream(answer.toByteArray()));

        assertThat(received).isEqualTo(answer);
        assertThat(EncodedQueryResults.QUERY.getFullMethodName()).isEqualTo("milvus.proto.milvus.MilvusService/Query");
    }
}
