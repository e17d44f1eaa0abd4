package dev.milvuscdc.sink;

import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DescribeIndexRequest;
import io.milvus.grpc.DescribeIndexResponse;
import io.milvus.grpc.DropIndexRequest;
import io.milvus.grpc.ErrorCode;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.FlushResponse;
import io.milvus.grpc.IndexDescription;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.ReleaseCollectionRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes, load, release and flush: the source's requests forwarded with the target database and
 * without the source's {@code base}. Creating an index that exists identically is a no-op.
 */
final class IndexApplier {

    private static final Logger LOG = LoggerFactory.getLogger(IndexApplier.class);

    private final TargetCalls calls;
    private final DdlApplier ddl;

    IndexApplier(TargetCalls calls, DdlApplier ddl) {
        this.calls = calls;
        this.ddl = ddl;
    }

    void createIndex(String db, CreateIndexRequest source) {
        String object = TargetCalls.object(db, source.getCollectionName());
        Optional<IndexDescription> existing = indexOn(db, source.getCollectionName(), source.getFieldName());
        if (existing.isPresent()) {
            Map<String, String> wanted = IndexParams.normalized(source.getExtraParamsList());
            Map<String, String> present = IndexParams.normalized(existing.get().getParamsList());
            boolean sameName = source.getIndexName().isEmpty() || source.getIndexName().equals(existing.get().getIndexName());
            if (sameName && IndexParams.sourceMatches(wanted, present)) {
                return;
            }
            throw new PermanentTargetException("create index", object, "field '" + source.getFieldName()
                    + "' already has index '" + existing.get().getIndexName() + "' " + present + " on the target, but the source"
                    + " created '" + source.getIndexName() + "' " + wanted,
                    "Drop that index on the target (release the collection first), then resume the task");
        }
        calls.call("create index", object, db, s -> s.createIndex(source.toBuilder().clearBase().setDbName(db).build()),
                status -> status);
        LOG.info("Created index '{}' on field {} of {} on the target", source.getIndexName(), source.getFieldName(), object);
    }

    void dropIndex(String db, DropIndexRequest source) {
        String object = TargetCalls.object(db, source.getCollectionName());
        if (indexOn(db, source.getCollectionName(), source.getFieldName()).filter(index ->
                source.getIndexName().isEmpty() || source.getIndexName().equals(index.getIndexName())).isEmpty()) {
            return;
        }
        calls.call("drop index", object, db, s -> s.dropIndex(source.toBuilder().clearBase().setDbName(db).build()),
                status -> status);
        LOG.info("Dropped index '{}' of {} on the target", source.getIndexName(), object);
    }

    void loadCollection(String db, LoadCollectionRequest source) {
        // Resource groups are a property of the source cluster; the target places replicas in its own.
        LoadCollectionRequest request = source.toBuilder().clearBase().clearResourceGroups().setDbName(db).build();
        calls.call("load collection", TargetCalls.object(db, source.getCollectionName()), db,
                s -> s.loadCollection(request), status -> status);
    }

    void releaseCollection(String db, ReleaseCollectionRequest source) {
        if (ddl.describe(db, source.getCollectionName()).isEmpty()) {
            return;
        }
        calls.call("release collection", TargetCalls.object(db, source.getCollectionName()), db,
                s -> s.releaseCollection(source.toBuilder().clearBase().setDbName(db).build()), status -> status);
    }

    /** Flushes the collections that still exist; a flush of a collection dropped since has nothing left to do. */
    void flush(String db, List<String> collections) {
        List<String> present = collections.stream().filter(c -> ddl.describe(db, c).isPresent()).toList();
        if (present.isEmpty()) {
            return;
        }
        calls.call("flush", db + "." + present, db, s -> s.flush(FlushRequest.newBuilder()
                .setDbName(db).addAllCollectionNames(present).build()), FlushResponse::getStatus);
    }

    private Optional<IndexDescription> indexOn(String db, String collection, String field) {
        String object = TargetCalls.object(db, collection);
        DescribeIndexResponse response = calls.callAllowingFailure("describe index", object, db, s -> s.describeIndex(
                DescribeIndexRequest.newBuilder().setDbName(db).setCollectionName(collection).build()));
        if (isIndexMissing(response.getStatus()) || TargetErrorClassifier.isCollectionMissing(response.getStatus())) {
            return Optional.empty();
        }
        if (!TargetErrorClassifier.isSuccess(response.getStatus())) {
            throw TargetErrorClassifier.fromStatus("describe index", object, response.getStatus());
        }
        return response.getIndexDescriptionsList().stream().filter(index -> index.getFieldName().equals(field)).findFirst();
    }

    private static boolean isIndexMissing(io.milvus.grpc.Status status) {
        return status.getCode() == 700 || status.getErrorCode() == ErrorCode.IndexNotExist;
    }
}
