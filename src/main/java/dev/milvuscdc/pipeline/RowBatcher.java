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
 * Joins consecutive row changes of one collection partition into target calls that may run at the
 * same time ({@link CallPipeline}). The source splits every client call into one message per shard,
 * so a busy channel carries many small messages; each would otherwise cost the target a round trip.
 *
 * <p>Inserts are joined column by column, passing Milvus's column data through without turning
 * it into rows. A call never holds a primary key twice: the later row must replace the earlier one
 * on the target, and one upsert holding both would keep both. A run of changes is shared among
 * {@code parallelism} calls, each no smaller than {@code minCallRows} (small calls cost the target
 * more per row) and no larger than {@code maxCallRows} rows or {@code maxCallBytes} serialized bytes
 * (well under gRPC's message limit).
 */
public final class RowBatcher {

    /** One target call's rows, with their primary keys. */
    public record JoinedInsert(Msg.InsertRequest request, Set<Object> keys) {
    }

    private final int minCallRows;
    private final int maxCallRows;
    private final long maxCallBytes;
    private final int parallelism;

    public RowBatcher(int minCallRows, int maxCallRows, long maxCallBytes, int parallelism) {
        if (minCallRows < 1 || maxCallRows < minCallRows || maxCallBytes < 1 || parallelism < 1) {
            throw new IllegalArgumentException("need 1 <= minCallRows <= maxCallRows, maxCallBytes >= 1, parallelism >= 1");
        }
        this.minCallRows = minCallRows;
        this.maxCallRows = maxCallRows;
        this.maxCallBytes = maxCallBytes;
        this.parallelism = parallelism;
    }

    /**
     * Joins inserts into one collection partition, given in apply order, keeping that order.
     *
     * @param primaryKeyField the name of the collection's primary key field
     */
    public List<JoinedInsert> joinInserts(List<Msg.InsertRequest> inserts, String primaryKeyField) {
        long rowsPerCall = callRows(inserts.stream().mapToLong(Msg.InsertRequest::getNumRows).sum());
        List<JoinedInsert> joined = new ArrayList<>();
        List<Msg.InsertRequest> call = new ArrayList<>();
        Set<Object> callKeys = new HashSet<>();
        long rows = 0;
        long bytes = 0;
        for (Msg.InsertRequest insert : inserts) {
            List<?> keys = primaryKeys(insert, primaryKeyField);
            boolean fits = !call.isEmpty() && sameColumns(call.get(0), insert)
                    && rows + insert.getNumRows() <= rowsPerCall && bytes + insert.getSerializedSize() <= maxCallBytes
                    && keys.stream().noneMatch(callKeys::contains);
            if (!fits && !call.isEmpty()) {
                joined.add(new JoinedInsert(join(call), callKeys));
                call.clear();
                callKeys = new HashSet<>();
                rows = 0;
                bytes = 0;
            }
            call.add(insert);
            callKeys.addAll(keys);
            rows += insert.getNumRows();
            bytes += insert.getSerializedSize();
        }
        if (!call.isEmpty()) {
            joined.add(new JoinedInsert(join(call), callKeys));
        }
        return joined;
    }

    /**
     * Joins the keys of deletes from one collection partition into batches shared among the
     * concurrent calls; deleting a key twice is harmless.
     */
    public List<IDs> joinDeletes(List<Msg.DeleteRequest> deletes) {
        List<IDs> keys = deletes.stream().map(RowBatcher::keysOf).toList();
        long keysPerCall = callRows(keys.stream().mapToLong(RowBatcher::keyCount).sum());
        List<IDs> joined = new ArrayList<>();
        IDs.Builder batch = null;
        long count = 0;
        for (IDs next : keys) {
            int size = keyCount(next);
            boolean fits = batch != null && batch.hasIntId() == next.hasIntId() && count + size <= keysPerCall;
            if (!fits) {
                if (batch != null) {
                    joined.add(batch.build());
                }
                batch = IDs.newBuilder();
                count = 0;
            }
            batch.mergeFrom(next);
            count += size;
        }
        if (batch != null) {
            joined.add(batch.build());
        }
        return joined;
    }

    /** The rows per call that share {@code total} rows among the concurrent calls, within the bounds. */
    private long callRows(long total) {
        long share = (total + parallelism - 1) / parallelism;
        return Math.min(maxCallRows, Math.max(minCallRows, share));
    }

    /** How many primary keys an {@code IDs} holds, whichever their type. */
    public static int keyCount(IDs keys) {
        return keys.hasIntId() ? keys.getIntId().getDataCount() : keys.getStrId().getDataCount();
    }

    /** The primary keys an {@code IDs} holds, whichever their type. */
    public static List<?> keysIn(IDs keys) {
        return keys.hasIntId() ? keys.getIntId().getDataList() : keys.getStrId().getDataList();
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
                append(joined.getFieldsDataBuilder(i), next.getFieldsData(i));
            }
            joined.setNumRows(joined.getNumRows() + next.getNumRows())
                    .addAllTimestamps(next.getTimestampsList())
                    .addAllRowIDs(next.getRowIDsList());
        }
        return joined.build();
    }

    /**
     * Appends one column to another in place, so joining n messages costs linear time. Protobuf's
     * merge appends repeated values, which covers scalars, JSON, arrays, float and sparse vectors;
     * vectors packed into one bytes value are concatenated (a rope, without copying).
     */
    private static void append(FieldData.Builder column, FieldData next) {
        VectorField.DataCase data = next.getVectors().getDataCase();
        if (!next.hasVectors() || !isPackedBytes(data)) {
            column.mergeFrom(next);
            return;
        }
        VectorField.Builder vectors = column.getVectorsBuilder();
        VectorField more = next.getVectors();
        switch (data) {
            case BINARY_VECTOR -> vectors.setBinaryVector(vectors.getBinaryVector().concat(more.getBinaryVector()));
            case FLOAT16_VECTOR -> vectors.setFloat16Vector(vectors.getFloat16Vector().concat(more.getFloat16Vector()));
            case BFLOAT16_VECTOR -> vectors.setBfloat16Vector(vectors.getBfloat16Vector().concat(more.getBfloat16Vector()));
            default -> vectors.setInt8Vector(vectors.getInt8Vector().concat(more.getInt8Vector()));
        }
        column.addAllValidData(next.getValidDataList());
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
