package dev.milvuscdc.snapshot;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import com.google.protobuf.WireFormat;
import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.MilvusServiceGrpc;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.Status;
import io.milvus.shaded.io.grpc.MethodDescriptor;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A query's answer with its columns left as the source encoded them ({@link EncodedColumn}), for
 * the initial copy: parsing a page of thousands of vectors into messages, float by float, and
 * encoding it again for the target took a third of each page's time (JFR, docs/performance.md).
 *
 * @param bytes the size of the whole answer
 */
record EncodedQueryResults(Status status, List<EncodedColumn> columns, long bytes) {

    /** Milvus's Query call, answered with the bytes of its {@code QueryResults}. */
    static final MethodDescriptor<QueryRequest, ByteString> QUERY = MilvusServiceGrpc.getQueryMethod()
            .toBuilder(MilvusServiceGrpc.getQueryMethod().getRequestMarshaller(), new BytesMarshaller()).build();

    /** Reads the status and splits the columns of an encoded {@code QueryResults}. */
    static EncodedQueryResults parse(ByteString answer) throws InvalidProtocolBufferException {
        CodedInputStream in = answer.newCodedInput();
        in.enableAliasing(true);
        Status status = Status.getDefaultInstance();
        List<EncodedColumn> columns = new ArrayList<>();
        try {
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                switch (WireFormat.getTagFieldNumber(tag)) {
                    case QueryResults.STATUS_FIELD_NUMBER -> status = Status.parseFrom(in.readBytes());
                    case QueryResults.FIELDS_DATA_FIELD_NUMBER -> columns.add(EncodedColumn.of(in.readBytes()));
                    default -> in.skipField(tag);
                }
            }
        } catch (IOException e) {
            throw e instanceof InvalidProtocolBufferException invalid ? invalid : new InvalidProtocolBufferException(e);
        }
        return new EncodedQueryResults(status, columns, answer.size());
    }

    /** Takes an answer as it came, in one array that the columns then share. */
    private static final class BytesMarshaller implements MethodDescriptor.Marshaller<ByteString> {

        @Override
        public InputStream stream(ByteString value) {
            return value.newInput();
        }

        @Override
        public ByteString parse(InputStream stream) {
            try (stream) {
                return UnsafeByteOperations.unsafeWrap(stream.readAllBytes());
            } catch (IOException e) {
                throw new IllegalStateException("cannot read the answer of a query from its gRPC stream", e);
            }
        }
    }
}
