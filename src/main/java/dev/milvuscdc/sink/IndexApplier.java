package dev.milvuscdc.sink;

import dev.milvuscdc.event.ChangeEvent;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DescribeIndexRequest;
import io.milvus.grpc.DescribeIndexResponse;
import io.milvus.grpc.DropIndexRequest;
import io.milvus.grpc.ErrorCode;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.FlushResponse;
import io.milvus.grpc.IndexDescription;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.ReleaseCollectionRequest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Indexes, load, release and flush, as the source asked for them. Creating an index that exists
 * identically is a no-op.
 */
final class IndexApplier {

    private static final Logger LOG = LoggerFactory.getLogger(IndexApplier.class);

    private final TargetCalls calls;
    private final DdlApplier ddl;

    IndexApplier(TargetCalls calls, DdlApplier ddl) {
        this.calls = calls;
        this.ddl = ddl;
    }

    void createIndex(String db, ChangeEvent.IndexCreated index) {
        String object = TargetCalls.object(db, index.collection());
        Optional<IndexDescription> existing = indexOn(db, index.collection(), index.field());
        if (existing.isPresent()) {
            Map<String, String> wanted = IndexParams.normalized(pairs(index.params()));
            Map<String, String> present = IndexParams.normalized(existing.get().getParamsList());
            boolean sameName = index.indexName().isEmpty() || index.indexName().equals(existing.get().getIndexName());
            if (sameName && IndexParams.sourceMatches(wanted, present)) {
                return;
            }
            throw new PermanentTargetException("create index", object, "field '" + index.field()
                    + "' already has index '" + existing.get().getIndexName() + "' " + present + " on the target, but the source"
                    + " created '" + index.indexName() + "' " + wanted,
                    "Drop that index on the target (release the collection first), then resume the task");
        }
        CreateIndexRequest request = CreateIndexRequest.newBuilder().setDbName(db).setCollectionName(index.collection())
                .setFieldName(index.field()).setIndexName(index.indexName()).addAllExtraParams(pairs(index.params())).build();
        calls.call("create index", object, db, s -> s.createIndex(request), status -> status);
        LOG.info("Created index '{}' on field {} of {} on the target", index.indexName(), index.field(), object);
    }

    void dropIndex(String db, ChangeEvent.IndexDropped index) {
        String object = TargetCalls.object(db, index.collection());
        if (indexOn(db, index.collection(), index.field()).filter(existing ->
                index.indexName().isEmpty() || index.indexName().equals(existing.getIndexName())).isEmpty()) {
            return;
        }
        DropIndexRequest request = DropIndexRequest.newBuilder().setDbName(db).setCollectionName(index.collection())
                .setFieldName(index.field()).setIndexName(index.indexName()).build();
        calls.call("drop index", object, db, s -> s.dropIndex(request), status -> status);
        LOG.info("Dropped index '{}' of {} on the target", index.indexName(), object);
    }

    /** Loads with the source's replica count; resource groups are the source cluster's, the target uses its own. */
    void loadCollection(String db, ChangeEvent.CollectionLoaded load) {
        LoadCollectionRequest request = LoadCollectionRequest.newBuilder().setDbName(db)
                .setCollectionName(load.collection()).setReplicaNumber(load.replicas()).build();
        calls.call("load collection", TargetCalls.object(db, load.collection()), db,
                s -> s.loadCollection(request), status -> status);
    }

    void releaseCollection(String db, String collection) {
        if (ddl.describe(db, collection).isEmpty()) {
            return;
        }
        ReleaseCollectionRequest request = ReleaseCollectionRequest.newBuilder().setDbName(db).setCollectionName(collection).build();
        calls.call("release collection", TargetCalls.object(db, collection), db,
                s -> s.releaseCollection(request), status -> status);
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

    private static List<KeyValuePair> pairs(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> KeyValuePair.newBuilder().setKey(e.getKey()).setValue(e.getValue()).build())
                .toList();
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
