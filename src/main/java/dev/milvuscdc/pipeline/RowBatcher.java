package dev.milvuscdc.pipeline;

import io.milvus.grpc.FieldData;
import io.milvus.grpc.IDs;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.VectorField;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import milvus.proto.msg.Msg;

/**
 * Joins consecutive row changes of one collection partition into fewer, larger target calls. The
 * source splits every client call into one message per shard, so a busy channel carries many small
 * messages; each would otherwise cost the target a round trip.
 *
 * <p>Inserts are joined column by column, passing Milvus's column data through without turning
 * it into rows. Two inserts that carry the same primary key are never joined: the later one must
 * replace the earlier one on the target, and one upsert holding both would keep both. Batches are
 * bounded by rows and serialized bytes so that a target call stays well under gRPC's message limit.
 */
public final class RowBatcher {

    private final int maxRows;
    private final long maxBytes;

    public RowBatcher(int maxRows, long maxBytes) {
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
    }

    /**
     * Joins inserts into one collection partition, given in apply order, keeping that order.
     *
     * @param primaryKeyField the name of the collection's primary key field
     */
    public List<Msg.InsertRequest> joinInserts(List<Msg.InsertRequest> inserts, String primaryKeyField) {
        List<Msg.InsertRequest> joined = new ArrayList<>();
        List<Msg.InsertRequest> batch = new ArrayList<>();
        Set<Object> batchKeys = new HashSet<>();
        long rows = 0;
        long bytes = 0;
        for (Msg.InsertRequest insert : inserts) {
            List<?> keys = primaryKeys(insert, primaryKeyField);
            boolean fits = !batch.isEmpty() && sameColumns(batch.get(0), insert)
                    && rows + insert.getNumRows() <= maxRows && bytes + insert.getSerializedSize() <= maxBytes
                    && keys.stream().noneMatch(batchKeys::contains);
            if (!fits && !batch.isEmpty()) {
                joined.add(join(batch));
                batch.clear();
                batchKeys.clear();
                rows = 0;
                bytes = 0;
            }
            batch.add(insert);
            batchKeys.addAll(keys);
            rows += insert.getNumRows();
            bytes += insert.getSerializedSize();
        }
        if (!batch.isEmpty()) {
            joined.add(join(batch));
        }
        return joined;
    }

    /**
     * Joins the keys of deletes from one collection partition into batches of at most
     * {@code maxRows} keys; a key deleted twice is harmless.
     */
    public List<IDs> joinDeletes(List<Msg.DeleteRequest> deletes) {
        List<IDs> joined = new ArrayList<>();
        IDs.Builder batch = null;
        int count = 0;
        for (Msg.DeleteRequest delete : deletes) {
            IDs keys = keysOf(delete);
            int size = keyCount(keys);
            boolean fits = batch != null && batch.hasIntId() == keys.hasIntId() && count + size <= maxRows;
            if (!fits) {
                if (batch != null) {
                    joined.add(batch.build());
                }
                batch = IDs.newBuilder();
                count = 0;
            }
            batch.mergeFrom(keys);
            count += size;
        }
        if (batch != null) {
            joined.add(batch.build());
        }
        return joined;
    }

    /** How many primary keys an {@code IDs} holds, whichever their type. */
    public static int keyCount(IDs keys) {
        return keys.hasIntId() ? keys.getIntId().getDataCount() : keys.getStrId().getDataCount();
    }

    /** A delete's keys; Milvus 2.3 may still fill the older {@code int64_primary_keys} list. */
    private static IDs keysOf(Msg.DeleteRequest delete) {
        return delete.hasPrimaryKeys()
                ? delete.getPrimaryKeys()
                : IDs.newBuilder().setIntId(LongArray.newBuilder().addAllData(delete.getInt64PrimaryKeysList())).build();
    }

    private static Msg.InsertRequest join(List<Msg.InsertRequest> batch) {
        if (batch.size() == 1) {
            return batch.get(0);
        }
        Msg.InsertRequest.Builder joined = batch.get(0).toBuilder();
        for (Msg.InsertRequest next : batch.subList(1, batch.size())) {
            for (int i = 0; i < next.getFieldsDataCount(); i++) {
                joined.setFieldsData(i, concat(joined.getFieldsData(i), next.getFieldsData(i)));
            }
            joined.setNumRows(joined.getNumRows() + next.getNumRows())
                    .addAllTimestamps(next.getTimestampsList())
                    .addAllRowIDs(next.getRowIDsList());
        }
        return joined.build();
    }

    /**
     * Appends one column to another. Protobuf's merge appends repeated values, which covers scalars,
     * JSON, arrays, float and sparse vectors; vectors packed into one bytes value are concatenated.
     */
    private static FieldData concat(FieldData first, FieldData second) {
        if (first.hasVectors() && isPackedBytes(first.getVectors().getDataCase())) {
            FieldData.Builder joined = first.toBuilder();
            VectorField.Builder vectors = joined.getVectorsBuilder();
            switch (first.getVectors().getDataCase()) {
                case BINARY_VECTOR -> vectors.setBinaryVector(first.getVectors().getBinaryVector()
                        .concat(second.getVectors().getBinaryVector()));
                case FLOAT16_VECTOR -> vectors.setFloat16Vector(first.getVectors().getFloat16Vector()
                        .concat(second.getVectors().getFloat16Vector()));
                case BFLOAT16_VECTOR -> vectors.setBfloat16Vector(first.getVectors().getBfloat16Vector()
                        .concat(second.getVectors().getBfloat16Vector()));
                default -> vectors.setInt8Vector(first.getVectors().getInt8Vector()
                        .concat(second.getVectors().getInt8Vector()));
            }
            joined.addAllValidData(second.getValidDataList());
            return joined.build();
        }
        return first.toBuilder().mergeFrom(second).build();
    }

    private static boolean isPackedBytes(VectorField.DataCase data) {
        return data == VectorField.DataCase.BINARY_VECTOR || data == VectorField.DataCase.FLOAT16_VECTOR
                || data == VectorField.DataCase.BFLOAT16_VECTOR || data == VectorField.DataCase.INT8_VECTOR;
    }

    private static boolean sameColumns(Msg.InsertRequest first, Msg.InsertRequest second) {
        if (first.getFieldsDataCount() != second.getFieldsDataCount()) {
            return false;
        }
        for (int i = 0; i < first.getFieldsDataCount(); i++) {
            FieldData a = first.getFieldsData(i);
            FieldData b = second.getFieldsData(i);
            if (!a.getFieldName().equals(b.getFieldName()) || a.getType() != b.getType()) {
                return false;
            }
        }
        return true;
    }

    private static List<?> primaryKeys(Msg.InsertRequest insert, String primaryKeyField) {
        for (FieldData field : insert.getFieldsDataList()) {
            if (field.getFieldName().equals(primaryKeyField)) {
                return field.getScalars().hasLongData()
                        ? field.getScalars().getLongData().getDataList()
                        : field.getScalars().getStringData().getDataList();
            }
        }
        throw new IllegalArgumentException("insert into collection " + insert.getCollectionID()
                + " has no primary key column " + primaryKeyField);
    }
}
