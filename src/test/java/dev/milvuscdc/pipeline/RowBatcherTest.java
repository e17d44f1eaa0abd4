package dev.milvuscdc.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.IDs;
import io.milvus.grpc.JSONArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.util.List;
import java.util.stream.Stream;
import milvus.proto.msg.Msg;
import org.junit.jupiter.api.Test;

class RowBatcherTest {

    private final RowBatcher oneCallAtATime = new RowBatcher(1, 100, 1 << 20, 1);

    @Test
    void consecutiveInsertsAreJoinedColumnByColumn() {
        List<RowBatcher.JoinedInsert> joined = oneCallAtATime.joinInserts(List.of(insert(1, 2), insert(3)), "id");

        assertThat(joined).hasSize(1);
        Msg.InsertRequest one = decoded(joined.get(0));
        assertThat(one.getNumRows()).isEqualTo(3);
        assertThat(one.getCollectionID()).isEqualTo(9);
        assertThat(one.getFieldsData(0).getScalars().getLongData().getDataList()).containsExactly(1L, 2L, 3L);
        assertThat(one.getFieldsData(1).getScalars().getJsonData().getDataList())
                .containsExactly(json(1), json(2), json(3));
        assertThat(one.getFieldsData(2).getVectors().getFloatVector().getDataList()).containsExactly(1f, 1f, 2f, 2f, 3f, 3f);
        assertThat(one.getFieldsData(2).getVectors().getDim()).isEqualTo(2);
        assertThat(one.getFieldsData(3).getVectors().getBinaryVector().toByteArray()).containsExactly(1, 2, 3);
        assertThat(joined.get(0).keys()).containsExactlyInAnyOrder(1L, 2L, 3L);
    }

    @Test
    void anInsertThatRewritesAKeyOfTheCallStartsTheNextCall() {
        List<RowBatcher.JoinedInsert> joined = oneCallAtATime.joinInserts(List.of(insert(1, 2), insert(3), insert(2), insert(4)), "id");

        assertThat(joined).extracting(RowBatcherTest::keys).containsExactly(List.of(1L, 2L, 3L), List.of(2L, 4L));
    }

    @Test
    void keysAlreadyReadAreTakenAsGivenInsteadOfDecodedAgain() {
        ChangeEvent.Insert first = insert(1);
        ChangeEvent.Insert second = insert(2);

        List<RowBatcher.JoinedInsert> joined = oneCallAtATime.joinInserts(List.of(first, second), insert -> List.of(7L));

        assertThat(joined).as("the given keys say both rewrite key 7, so they may not share a call").hasSize(2);
        assertThat(joined).allSatisfy(call -> assertThat(call.keys()).containsExactly(7L));
    }

    @Test
    void aRunIsSharedAmongTheConcurrentCallsButNoCallIsSmallerThanTheMinimum() {
        List<ChangeEvent.Insert> inserts = List.of(insert(1), insert(2), insert(3), insert(4), insert(5));

        assertThat(new RowBatcher(1, 100, 1 << 20, 2).joinInserts(inserts, "id"))
                .extracting(RowBatcherTest::keys).containsExactly(List.of(1L, 2L, 3L), List.of(4L, 5L));
        assertThat(new RowBatcher(4, 100, 1 << 20, 2).joinInserts(inserts, "id"))
                .extracting(RowBatcherTest::keys).containsExactly(List.of(1L, 2L, 3L, 4L), List.of(5L));
    }

    @Test
    void callsStayWithinTheRowAndByteBounds() {
        assertThat(new RowBatcher(1, 2, 1 << 20, 1).joinInserts(List.of(insert(1), insert(2), insert(3)), "id"))
                .extracting(j -> j.rows().rowCount()).containsExactly(2L, 1L);
        long oneMessage = insert(1).serializedSize();
        assertThat(new RowBatcher(1, 100, oneMessage * 2L + 1, 1).joinInserts(List.of(insert(1), insert(2), insert(3)), "id"))
                .extracting(j -> j.rows().rowCount()).containsExactly(2L, 1L);
    }

    @Test
    void deleteKeysAreJoinedByKindAndBounded() {
        List<IDs> joined = new RowBatcher(1, 3, 1 << 20, 1).joinDeletes(List.of(
                deleteInts(1, 2), deleteInts(3), deleteInts(4), deleteStrings("a"), deleteStrings("b"), deleteInts(7)));

        assertThat(joined).containsExactly(
                ints(1, 2, 3), ints(4),
                IDs.newBuilder().setStrId(StringArray.newBuilder().addData("a").addData("b")).build(),
                ints(7));
    }

    @Test
    void deleteKeysAreSharedAmongTheConcurrentCalls() {
        assertThat(new RowBatcher(1, 100, 1 << 20, 2).joinDeletes(List.of(deleteInts(1), deleteInts(2), deleteInts(3), deleteInts(4))))
                .containsExactly(ints(1, 2), ints(3, 4));
    }

    @Test
    void impossibleBoundsAreRefused() {
        assertThatThrownBy(() -> new RowBatcher(10, 5, 1 << 20, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RowBatcher(1, 5, 1 << 20, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    private static List<Long> keys(RowBatcher.JoinedInsert joined) {
        return decoded(joined).getFieldsData(0).getScalars().getLongData().getDataList();
    }

    /** The joined call as the target reads it: the columns' encoded values decoded as fields_data. */
    private static Msg.InsertRequest decoded(RowBatcher.JoinedInsert joined) {
        Msg.InsertRequest.Builder request = Msg.InsertRequest.newBuilder().setCollectionID(joined.rows().collectionId())
                .setNumRows(joined.rows().rowCount());
        joined.rows().columns().forEach(column -> request.addFieldsData(column.decode()));
        return request.build();
    }

    private static ChangeEvent.Insert insert(long... keys) {
        LongArray.Builder ids = LongArray.newBuilder();
        JSONArray.Builder docs = JSONArray.newBuilder();
        FloatArray.Builder vectors = FloatArray.newBuilder();
        byte[] bits = new byte[keys.length];
        for (int i = 0; i < keys.length; i++) {
            ids.addData(keys[i]);
            docs.addData(json(keys[i]));
            vectors.addData(keys[i]).addData(keys[i]);
            bits[i] = (byte) keys[i];
        }
        return new ChangeEvent.Insert(9, 1, "_default", keys.length, keys[0] * 10, Stream.of(
                FieldData.newBuilder().setFieldName("id").setFieldId(100).setType(DataType.Int64)
                        .setScalars(ScalarField.newBuilder().setLongData(ids)),
                FieldData.newBuilder().setFieldName("doc").setFieldId(101).setType(DataType.JSON)
                        .setScalars(ScalarField.newBuilder().setJsonData(docs)),
                FieldData.newBuilder().setFieldName("vec").setFieldId(102).setType(DataType.FloatVector)
                        .setVectors(VectorField.newBuilder().setDim(2).setFloatVector(vectors)),
                FieldData.newBuilder().setFieldName("bits").setFieldId(103).setType(DataType.BinaryVector)
                        .setVectors(VectorField.newBuilder().setDim(8).setBinaryVector(ByteString.copyFrom(bits))))
                .map(field -> EncodedColumn.of(field.build())).toList());
    }

    private static ByteString json(long key) {
        return ByteString.copyFromUtf8("{\"k\":" + key + "}");
    }

    private static ChangeEvent.Delete deleteInts(long... keys) {
        return new ChangeEvent.Delete(9, -1, "", ints(keys), 1);
    }

    private static ChangeEvent.Delete deleteStrings(String... keys) {
        return new ChangeEvent.Delete(9, -1, "", IDs.newBuilder().setStrId(StringArray.newBuilder().addAllData(List.of(keys))).build(), 1);
    }

    private static IDs ints(long... keys) {
        LongArray.Builder data = LongArray.newBuilder();
        for (long key : keys) {
            data.addData(key);
        }
        return IDs.newBuilder().setIntId(data).build();
    }
}
