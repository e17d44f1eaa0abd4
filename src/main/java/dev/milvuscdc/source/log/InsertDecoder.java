package dev.milvuscdc.source.log;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.WireFormat;
import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.EncodedColumn;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import milvus.proto.msg.Msg;

/**
 * Reads an insert message without decoding its column values: the columns are cut out of the
 * payload as they are ({@link EncodedColumn}), and the rest (collection, partition, row count,
 * timestamps) is decoded from a {@code Msg.InsertRequest} without {@code fields_data}.
 */
final class InsertDecoder {

    private InsertDecoder() {
    }

    static ChangeEvent.Insert decode(ByteString bytes) throws InvalidProtocolBufferException {
        CodedInputStream in = bytes.newCodedInput();
        in.enableAliasing(true);
        List<EncodedColumn> columns = new ArrayList<>();
        ByteString rest = ByteString.EMPTY;
        try {
            int start = 0;
            for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
                if (WireFormat.getTagFieldNumber(tag) == Msg.InsertRequest.FIELDS_DATA_FIELD_NUMBER) {
                    columns.add(EncodedColumn.of(in.readBytes()));
                } else {
                    in.skipField(tag);
                    rest = rest.concat(bytes.substring(start, in.getTotalBytesRead()));
                }
                start = in.getTotalBytesRead();
            }
        } catch (IOException e) {
            throw e instanceof InvalidProtocolBufferException invalid ? invalid : new InvalidProtocolBufferException(e);
        }
        Msg.InsertRequest request = Msg.InsertRequest.parseFrom(rest);
        return new ChangeEvent.Insert(request.getCollectionID(), request.getPartitionID(), request.getPartitionName(),
                request.getNumRows(), rowTimestamp(request.getTimestampsList(), request.getBase().getTimestamp()), columns,
                bytes, request.getShardName());
    }

    /**
     * The rows' timestamp: Milvus 2.3.5 leaves {@code base.timestamp} at 0 in the inserts of an upsert
     * (observed on the rig), while every row carries the request's timestamp.
     */
    static long rowTimestamp(List<Long> rowTimestamps, long baseTimestamp) {
        return rowTimestamps.isEmpty() ? baseTimestamp : rowTimestamps.get(0);
    }
}
