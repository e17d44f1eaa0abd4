package dev.milvuscdc.pipeline;

import com.google.protobuf.ByteString;
import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.IDs;
import io.milvus.grpc.VectorField;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Joins consecutive row changes of one collection partition into target calls that may run at the
 * same time ({@link CallPipeline}). The source splits every client call into one message per shard,
 * so a busy channel carries many small messages; each would otherwise cost the target a round trip.
 *
 * <p>Inserts are joined column by column, passing Milvus's encoded column data through without
 * decoding it ({@link EncodedColumn}). A call never holds a primary key twice: the later row must
 * replace the earlier one on the target, and one upsert holding both would keep both. A run of changes is shared among
 * {@code parallelism} calls, each no smaller than {@code minCallRows} (small calls cost the target
 * more per row) and no larger than {@code maxCallRows} rows or {@code maxCallBytes} serialized bytes
 * (well under gRPC's message limit).
 */
public final class RowBatcher {

    /** One target call's rows, with their primary keys. */
    public record JoinedInsert(ChangeEvent.Insert rows, Set<Object> keys) {
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
    public List<JoinedInsert> joinInserts(List<ChangeEvent.Insert> inserts, String primaryKeyField) {
        return joinInserts(inserts, insert -> primaryKeys(insert, primaryKeyField));
    }

    /**
     * Joins inserts as {@link #joinInserts(List, String)} does, with their primary keys from
     * {@code keysOf}: a caller that has read them already saves decoding and boxing them again.
     */
    public List<JoinedInsert> joinInserts(List<ChangeEvent.Insert> inserts, Function<ChangeEvent.Insert, List<?>> keysOf) {
        long rowsPerCall = callRows(inserts.stream().mapToLong(ChangeEvent.Insert::rowCount).sum());
        List<JoinedInsert> joined = new ArrayList<>();
        List<ChangeEvent.Insert> call = new ArrayList<>();
        Set<Object> callKeys = new HashSet<>();
        long rows = 0;
        long bytes = 0;
        for (ChangeEvent.Insert insert : inserts) {
            List<?> keys = keysOf.apply(insert);
            long insertRows = insert.rowCount();
            long insertBytes = insert.serializedSize();
            boolean fits = !call.isEmpty() && sameColumns(call.get(0), insert)
                    && rows + insertRows <= rowsPerCall && bytes + insertBytes <= maxCallBytes
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
            rows += insertRows;
            bytes += insertBytes;
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
    public List<IDs> joinDeletes(List<ChangeEvent.Delete> deletes) {
        List<IDs> keys = deletes.stream().map(ChangeEvent.Delete::primaryKeys).toList();
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
        return keysIn(keys).size();
    }

    /** The primary keys an {@code IDs} holds, whichever their type. */
    public static List<?> keysIn(IDs keys) {
        return keys.hasIntId() ? keys.getIntId().getDataList() : keys.getStrId().getDataList();
    }

    /**
     * One insert holding the rows of a batch: the first one's collection, partition and timestamp,
     * the summed row count, and each column's encoded values one after the other (see {@link EncodedColumn}).
     */
    private static ChangeEvent.Insert join(List<ChangeEvent.Insert> batch) {
        if (batch.size() == 1) {
            return batch.get(0);
        }
        ChangeEvent.Insert first = batch.get(0);
        long rows = batch.stream().mapToLong(ChangeEvent.Insert::rowCount).sum();
        List<EncodedColumn> columns = new ArrayList<>();
        for (int i = 0; i < first.columns().size(); i++) {
            int column = i;
            columns.add(joinColumn(batch.stream().map(insert -> insert.columns().get(column)).toList()));
        }
        return new ChangeEvent.Insert(first.collectionId(), first.partitionId(), first.partitionName(), rows,
                first.timestamp(), columns);
    }

    private static EncodedColumn joinColumn(List<EncodedColumn> parts) {
        EncodedColumn first = parts.get(0);
        if (first.packedBytesVectors()) {
            FieldData.Builder joined = first.decode().toBuilder();
            parts.subList(1, parts.size()).forEach(part -> appendPackedBytes(joined, part.decode()));
            return new EncodedColumn(first.name(), first.fieldId(), first.type(), joined.build().toByteString());
        }
        ByteString bytes = ByteString.copyFrom(parts.stream().map(EncodedColumn::bytes).toList());
        return new EncodedColumn(first.name(), first.fieldId(), first.type(), bytes);
    }

    /** Appends vectors packed into one bytes value, which protobuf would replace rather than append. */
    private static void appendPackedBytes(FieldData.Builder column, FieldData next) {
        VectorField.Builder vectors = column.getVectorsBuilder();
        VectorField more = next.getVectors();
        switch (more.getDataCase()) {
            case BINARY_VECTOR -> vectors.setBinaryVector(vectors.getBinaryVector().concat(more.getBinaryVector()));
            case FLOAT16_VECTOR -> vectors.setFloat16Vector(vectors.getFloat16Vector().concat(more.getFloat16Vector()));
            case BFLOAT16_VECTOR -> vectors.setBfloat16Vector(vectors.getBfloat16Vector().concat(more.getBfloat16Vector()));
            default -> vectors.setInt8Vector(vectors.getInt8Vector().concat(more.getInt8Vector()));
        }
        column.addAllValidData(next.getValidDataList());
    }

    private static boolean sameColumns(ChangeEvent.Insert first, ChangeEvent.Insert second) {
        if (first.columns().size() != second.columns().size()) {
            return false;
        }
        for (int i = 0; i < first.columns().size(); i++) {
            EncodedColumn a = first.columns().get(i);
            EncodedColumn b = second.columns().get(i);
            if (!a.name().equals(b.name()) || a.type() != b.type()) {
                return false;
            }
        }
        return true;
    }

    /** The primary keys of an insert's rows, in their order. */
    public static List<?> primaryKeys(ChangeEvent.Insert insert, String primaryKeyField) {
        for (EncodedColumn column : insert.columns()) {
            if (column.name().equals(primaryKeyField)) {
                FieldData keys = column.decode();
                return keys.getScalars().hasLongData()
                        ? keys.getScalars().getLongData().getDataList()
                        : keys.getScalars().getStringData().getDataList();
            }
        }
        throw new IllegalArgumentException("insert into collection " + insert.collectionId()
                + " has no primary key column " + primaryKeyField);
    }
}
