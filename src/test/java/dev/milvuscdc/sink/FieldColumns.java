package dev.milvuscdc.sink;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import io.milvus.grpc.ArrayArray;
import io.milvus.grpc.BoolArray;
import io.milvus.grpc.DataType;
import io.milvus.grpc.DoubleArray;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FloatArray;
import io.milvus.grpc.IntArray;
import io.milvus.grpc.JSONArray;
import io.milvus.grpc.LongArray;
import io.milvus.grpc.ScalarField;
import io.milvus.grpc.StringArray;
import io.milvus.grpc.VectorField;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Builds column data the way a source InsertRequest carries it, and reads values back out of query results. */
final class FieldColumns {

    private static final ObjectMapper JSON = new ObjectMapper();

    private FieldColumns() {
    }

    static FieldData longs(String name, long id, Long... values) {
        return scalar(name, id, DataType.Int64, ScalarField.newBuilder().setLongData(LongArray.newBuilder().addAllData(List.of(values))));
    }

    static FieldData ints(String name, long id, DataType type, Integer... values) {
        return scalar(name, id, type, ScalarField.newBuilder().setIntData(IntArray.newBuilder().addAllData(List.of(values))));
    }

    static FieldData bools(String name, long id, Boolean... values) {
        return scalar(name, id, DataType.Bool, ScalarField.newBuilder().setBoolData(BoolArray.newBuilder().addAllData(List.of(values))));
    }

    static FieldData floats(String name, long id, Float... values) {
        return scalar(name, id, DataType.Float, ScalarField.newBuilder().setFloatData(FloatArray.newBuilder().addAllData(List.of(values))));
    }

    static FieldData doubles(String name, long id, Double... values) {
        return scalar(name, id, DataType.Double, ScalarField.newBuilder().setDoubleData(DoubleArray.newBuilder().addAllData(List.of(values))));
    }

    static FieldData strings(String name, long id, String... values) {
        return scalar(name, id, DataType.VarChar, ScalarField.newBuilder().setStringData(StringArray.newBuilder().addAllData(List.of(values))));
    }

    static FieldData json(String name, long id, boolean dynamic, String... documents) {
        JSONArray.Builder data = JSONArray.newBuilder();
        for (String document : documents) {
            data.addData(ByteString.copyFromUtf8(document));
        }
        return scalar(name, id, DataType.JSON, ScalarField.newBuilder().setJsonData(data)).toBuilder().setIsDynamic(dynamic).build();
    }

    static FieldData int64Arrays(String name, long id, List<List<Long>> rows) {
        ArrayArray.Builder arrays = ArrayArray.newBuilder().setElementType(DataType.Int64);
        for (List<Long> row : rows) {
            arrays.addData(ScalarField.newBuilder().setLongData(LongArray.newBuilder().addAllData(row)));
        }
        return scalar(name, id, DataType.Array, ScalarField.newBuilder().setArrayData(arrays));
    }

    static FieldData floatVectors(String name, long id, int dim, List<Float> flat) {
        return FieldData.newBuilder().setFieldName(name).setFieldId(id).setType(DataType.FloatVector)
                .setVectors(VectorField.newBuilder().setDim(dim).setFloatVector(FloatArray.newBuilder().addAllData(flat)))
                .build();
    }

    static FieldData binaryVectors(String name, long id, int dim, byte[] flat) {
        return FieldData.newBuilder().setFieldName(name).setFieldId(id).setType(DataType.BinaryVector)
                .setVectors(VectorField.newBuilder().setDim(dim).setBinaryVector(ByteString.copyFrom(flat)))
                .build();
    }

    /** Value of one row, in a comparable form (JSON parsed, vectors as lists or hex). */
    static Object value(FieldData field, int row) {
        return switch (field.getType()) {
            case Bool -> field.getScalars().getBoolData().getData(row);
            case Int8, Int16, Int32 -> field.getScalars().getIntData().getData(row);
            case Int64 -> field.getScalars().getLongData().getData(row);
            case Float -> field.getScalars().getFloatData().getData(row);
            case Double -> field.getScalars().getDoubleData().getData(row);
            case VarChar, String -> field.getScalars().getStringData().getData(row);
            case JSON -> parse(field.getScalars().getJsonData().getData(row).toString(StandardCharsets.UTF_8));
            case Array -> arrayValues(field.getScalars().getArrayData().getData(row));
            case FloatVector -> {
                int dim = (int) field.getVectors().getDim();
                yield new ArrayList<>(field.getVectors().getFloatVector().getDataList().subList(row * dim, (row + 1) * dim));
            }
            case BinaryVector -> {
                int bytes = (int) field.getVectors().getDim() / 8;
                yield HexFormat.of().formatHex(field.getVectors().getBinaryVector().substring(row * bytes, (row + 1) * bytes).toByteArray());
            }
            default -> throw new IllegalArgumentException("no reader for " + field.getType());
        };
    }

    static int rows(FieldData field) {
        return switch (field.getType()) {
            case Bool -> field.getScalars().getBoolData().getDataCount();
            case Int8, Int16, Int32 -> field.getScalars().getIntData().getDataCount();
            case Int64 -> field.getScalars().getLongData().getDataCount();
            case VarChar, String -> field.getScalars().getStringData().getDataCount();
            default -> throw new IllegalArgumentException("not a key column: " + field.getType());
        };
    }

    static Object parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Object> arrayValues(ScalarField array) {
        return new ArrayList<>(array.getLongData().getDataList());
    }

    private static FieldData scalar(String name, long id, DataType type, ScalarField.Builder data) {
        return FieldData.newBuilder().setFieldName(name).setFieldId(id).setType(type).setScalars(data).build();
    }
}
