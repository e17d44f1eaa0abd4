package dev.milvuscdc.snapshot;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.milvuscdc.event.EncodedColumn;
import io.milvus.grpc.AllocTimestampRequest;
import io.milvus.grpc.AllocTimestampResponse;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.DescribeIndexRequest;
import io.milvus.grpc.DescribeIndexResponse;
import io.milvus.grpc.ErrorCode;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.GetLoadStateRequest;
import io.milvus.grpc.GetLoadStateResponse;
import io.milvus.grpc.GetReplicasRequest;
import io.milvus.grpc.GetReplicasResponse;
import io.milvus.grpc.IndexDescription;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.LoadState;
import io.milvus.grpc.MilvusServiceGrpc.MilvusServiceBlockingStub;
import io.milvus.grpc.QueryRequest;
import io.milvus.grpc.QueryResults;
import io.milvus.grpc.ReleaseCollectionRequest;
import io.milvus.shaded.io.grpc.Status;
import io.milvus.shaded.io.grpc.StatusRuntimeException;
import io.milvus.shaded.io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The initial copy's reads of the source Milvus, through its ordinary gRPC API: rows in pages of
 * primary keys ({@link KeyCursor}) and row counts, each holding every change the source
 * acknowledged before a timestamp it allocated ({@link #timestamp()}), indexes and the load state.
 * Thread-safe.
 */
public final class SourceQueries {

    // Milvus's status codes (2.3): collection and partition not found, collection not loaded.
    private static final int COLLECTION_NOT_FOUND = 100;
    private static final int COLLECTION_NOT_LOADED = 101;
    private static final int PARTITION_NOT_FOUND = 200;
    private static final int RATE_LIMITED = 8;
    private static final int NOT_READY = 1;

    private final MilvusServiceBlockingStub stub;
    private final Duration callTimeout;

    /** @param stub the source's stub with its credential attached */
    public SourceQueries(MilvusServiceBlockingStub stub, Duration callTimeout) {
        this.stub = stub;
        this.callTimeout = callTimeout;
    }

    /**
     * Rows after a cursor, at most {@code limit}, every field including the dynamic one. The source
     * returns the smallest keys in its own key order (measured), so the next cursor is the last key
     * it returned; Java's string order differs from Milvus's byte order beyond the BMP. A null
     * partition reads the whole collection: Milvus 2.3.5 refuses partition names on queries of a
     * collection with a partition key. The page holds every change the source acknowledged before
     * {@code seenAt} ({@link #timestamp()}).
     */
    public Page page(String db, String collection, String partition, String keyField, KeyCursor after, int limit,
                     long seenAt) {
        QueryRequest request = seeing(inPartition(QueryRequest.newBuilder().setDbName(db).setCollectionName(collection)
                .setExpr(after.filter(keyField)).addOutputFields("*"), partition), seenAt)
                .addQueryParams(KeyValuePair.newBuilder().setKey("limit").setValue(Integer.toString(limit))).build();
        String object = db + "." + collection + (partition == null ? "" : " partition " + partition);
        String what = "read rows of " + object;
        ByteString answer = transport(what, s -> ClientCalls.blockingUnaryCall(s.getChannel(), EncodedQueryResults.QUERY,
                s.getCallOptions(), request));
        EncodedQueryResults results;
        try {
            results = EncodedQueryResults.parse(answer);
        } catch (InvalidProtocolBufferException e) {
            throw new SnapshotReadException(what + ": the source's answer is not a QueryResults message (" + e.getMessage()
                    + ")", e, false, false);
        }
        check(what, results.status());
        EncodedColumn keys = results.columns().stream().filter(c -> c.name().equals(keyField)).findFirst()
                .orElseThrow(() -> new SnapshotReadException("the source answered a query of " + object
                        + " without its primary key " + keyField, null, false, false));
        List<Object> keyValues = keyValues(keys.decode());
        if (keyValues.isEmpty()) {
            return new Page(List.of(), 0, after);
        }
        return new Page(results.columns(), keyValues.size(), after.after(keyValues.get(keyValues.size() - 1)),
                results.bytes());
    }

    /** The rows of a partition (of the whole collection when null), with every change before {@code seenAt} ({@code count(*)}). */
    public long count(String db, String collection, String partition, long seenAt) {
        QueryRequest request = seeing(inPartition(QueryRequest.newBuilder().setDbName(db).setCollectionName(collection).setExpr("")
                .addOutputFields("count(*)"), partition), seenAt).build();
        QueryResults results = call("count rows of " + db + "." + collection + (partition == null ? "" : " partition " + partition),
                s -> s.query(request), QueryResults::getStatus);
        return results.getFieldsData(0).getScalars().getLongData().getData(0);
    }

    /**
     * A timestamp of the source (its TSO): every write it acknowledged before this call is older.
     * A query that must see those writes can name it ({@link #page}, {@link #count}) instead of
     * asking for Strong consistency, which makes every query wait for the source's next time tick
     * (0.2–0.4 s per query on the rig, measured); with a timestamp allocated once, only the first
     * query waits.
     */
    public long timestamp() {
        AllocTimestampRequest request = AllocTimestampRequest.getDefaultInstance();
        return call("allocate a timestamp on the source", s -> s.allocTimestamp(request), AllocTimestampResponse::getStatus)
                .getTimestamp();
    }

    /** A query that sees every change the source acknowledged before {@code seenAt} (its guarantee timestamp). */
    private static QueryRequest.Builder seeing(QueryRequest.Builder request, long seenAt) {
        return request.setConsistencyLevel(ConsistencyLevel.Customized).setGuaranteeTimestamp(seenAt)
                .setUseDefaultConsistency(false);
    }

    private static QueryRequest.Builder inPartition(QueryRequest.Builder request, String partition) {
        return partition == null ? request : request.addPartitionNames(partition);
    }

    public List<IndexDescription> indexes(String db, String collection) {
        DescribeIndexRequest request = DescribeIndexRequest.newBuilder().setDbName(db).setCollectionName(collection).build();
        DescribeIndexResponse response = transport("describe the indexes of " + db + "." + collection,
                s -> s.describeIndex(request));
        io.milvus.grpc.Status status = response.getStatus();
        if (status.getErrorCode() == ErrorCode.IndexNotExist || status.getCode() == 700) {
            return List.of();
        }
        check("describe the indexes of " + db + "." + collection, status);
        return response.getIndexDescriptionsList();
    }

    public boolean loaded(String db, String collection) {
        GetLoadStateRequest request = GetLoadStateRequest.newBuilder().setDbName(db).setCollectionName(collection).build();
        GetLoadStateResponse response = call("get the load state of " + db + "." + collection, s -> s.getLoadState(request),
                GetLoadStateResponse::getStatus);
        return response.getState() == LoadState.LoadStateLoaded;
    }

    /** Replicas of a loaded collection; 1 when the source does not say. */
    public int replicas(String db, String collection) {
        GetReplicasRequest request = GetReplicasRequest.newBuilder().setDbName(db).setCollectionName(collection).build();
        GetReplicasResponse response = call("get the replicas of " + db + "." + collection, s -> s.getReplicas(request),
                GetReplicasResponse::getStatus);
        return Math.max(1, response.getReplicasCount());
    }

    /** Loads the collection and waits until it is loaded. */
    public void load(String db, String collection) throws InterruptedException {
        LoadCollectionRequest request = LoadCollectionRequest.newBuilder().setDbName(db).setCollectionName(collection).build();
        call("load " + db + "." + collection + " on the source", s -> s.loadCollection(request), status -> status);
        while (!loaded(db, collection)) {
            Thread.sleep(200);
        }
    }

    public void release(String db, String collection) {
        ReleaseCollectionRequest request = ReleaseCollectionRequest.newBuilder().setDbName(db).setCollectionName(collection).build();
        call("release " + db + "." + collection + " on the source", s -> s.releaseCollection(request), status -> status);
    }

    private <R> R call(String what, Function<MilvusServiceBlockingStub, R> rpc, Function<R, io.milvus.grpc.Status> status) {
        R response = transport(what, rpc);
        check(what, status.apply(response));
        return response;
    }

    private <R> R transport(String what, Function<MilvusServiceBlockingStub, R> rpc) {
        try {
            return rpc.apply(stub.withDeadlineAfter(callTimeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (StatusRuntimeException e) {
            Status.Code code = e.getStatus().getCode();
            boolean retriable = code == Status.Code.UNAVAILABLE || code == Status.Code.DEADLINE_EXCEEDED
                    || code == Status.Code.RESOURCE_EXHAUSTED || code == Status.Code.CANCELLED || code == Status.Code.UNKNOWN;
            throw new SnapshotReadException(what + " failed: " + code + " " + e.getStatus().getDescription()
                    + " (check sourceConfig.milvus.uri and that the source Milvus runs)", e, retriable, false);
        }
    }

    private static void check(String what, io.milvus.grpc.Status status) {
        if (status.getCode() == 0 && status.getErrorCode() == ErrorCode.Success) {
            return;
        }
        int code = status.getCode();
        boolean missing = code == COLLECTION_NOT_FOUND || code == PARTITION_NOT_FOUND
                || status.getErrorCode() == ErrorCode.CollectionNotExists;
        boolean retriable = code == RATE_LIMITED || code == NOT_READY || status.getErrorCode() == ErrorCode.RateLimit;
        String hint = code == COLLECTION_NOT_LOADED ? " (the collection is not loaded on the source)" : "";
        throw new SnapshotReadException(what + " failed: " + status.getReason() + " (code " + code + ")" + hint, null,
                retriable, missing);
    }

    private static List<Object> keyValues(FieldData keys) {
        if (keys.getScalars().hasLongData()) {
            return new ArrayList<>(keys.getScalars().getLongData().getDataList());
        }
        return new ArrayList<>(keys.getScalars().getStringData().getDataList());
    }

    /** A page of rows: their columns as the source encoded them, how many, and the cursor after them. */
    public record Page(List<EncodedColumn> columns, int rows, KeyCursor next, long bytes) {

        Page(List<EncodedColumn> columns, int rows, KeyCursor next) {
            this(columns, rows, next, 0);
        }
    }
}
