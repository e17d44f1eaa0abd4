package dev.milvuscdc.event;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldData;
import java.io.IOException;

/**
 * One column of an insert, kept as the source encoded it (a {@code FieldData} message) minus its
 * field id, with the name, type and id read from it. The values are never decoded on the way to
 * the target: decoding and re-encoding vectors one float at a time took half of the engine's CPU
 * (docs/performance.md). The field id is left out because ids are assigned per cluster; the target
 * matches columns by name.
 *
 * <p>Protobuf merges a message that appears twice, appending its repeated values, so the bytes of
 * two columns of one field, one after the other, read as one column holding the rows of both;
 * that is how {@code RowBatcher} joins them. Vectors packed into one {@code bytes} value (binary,
 * float16, bfloat16, int8) are the exception: a second value replaces the first.
 */
public record EncodedColumn(String name, long fieldId, DataType type, ByteString bytes) {

    /** Reads the name, type and id of an encoded {@code FieldData}, without its values. */
    public static EncodedColumn of(ByteString fieldData) throws InvalidProtocolBufferException {
        CodedInputStream in = fieldData.newCodedInput();
        in.enableAliasing(true);
        String name = "";
        long fieldId = 0;
        int type = 0;
        ByteString withoutId = ByteString.EMPTY;
        try {
            int start = 0;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case FieldData.FIELD_ID_FIELD_NUMBER -> fieldId = in.readInt64();
                    case FieldData.FIELD_NAME_FIELD_NUMBER -> name = in.readStringRequireUtf8();
                    case FieldData.TYPE_FIELD_NUMBER -> type = in.readEnum();
                    default -> in.skipField(tag);
                }
                int end = in.getTotalBytesRead();
                if (WireFormat.getTagFieldNumber(tag) != FieldData.FIELD_ID_FIELD_NUMBER) {
                    withoutId = withoutId.concat(fieldData.substring(start, end));
                }
                start = end;
            }
        } catch (IOException e) {
            throw e instanceof InvalidProtocolBufferException invalid ? invalid : new InvalidProtocolBufferException(e);
        }
        DataType dataType = DataType.forNumber(type);
        return new EncodedColumn(name, fieldId, dataType == null ? DataType.None : dataType, withoutId);
    }

    /** An already decoded column, encoded. */
    public static EncodedColumn of(FieldData fieldData) {
        try {
            return of(fieldData.toByteString());
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("a FieldData that protobuf just encoded cannot be read back", e);
        }
    }

    /** The column's values decoded, for the few places that need them (primary keys, packed-bytes vectors). */
    public FieldData decode() {
        try {
            return FieldData.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("column " + name + " was read before, it cannot fail now", e);
        }
    }

    /** Whether this column's vectors are one {@code bytes} value, which protobuf replaces instead of appending. */
    public boolean packedBytesVectors() {
        return type == DataType.BinaryVector || type == DataType.Float16Vector || type == DataType.BFloat16Vector
                || type == DataType.Int8Vector;
    }
}
