package dev.milvuscdc.sink;

import io.milvus.grpc.AlterCollectionRequest;
import io.milvus.grpc.BoolResponse;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateDatabaseRequest;
import io.milvus.grpc.CreatePartitionRequest;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.DropCollectionRequest;
import io.milvus.grpc.DropDatabaseRequest;
import io.milvus.grpc.DropPartitionRequest;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.HasPartitionRequest;
import io.milvus.grpc.ListDatabasesRequest;
import io.milvus.grpc.ListDatabasesResponse;
import io.milvus.grpc.ReleasePartitionsRequest;
import io.milvus.grpc.ShowCollectionsRequest;
import io.milvus.grpc.ShowCollectionsResponse;
import io.milvus.grpc.Status;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Databases, collections and partitions on the target; each call checks first, so a replay is a no-op. */
final class DdlApplier {

    static final String DEFAULT_DB = "default";
    private static final String DEFAULT_PARTITION = "_default";
    private static final Logger LOG = LoggerFactory.getLogger(DdlApplier.class);

    private final TargetCalls calls;
    private final boolean replicateMode;

    /**
     * @param replicateMode whether the target is written through ReplicateMessage: a collection is
     *                      then created at the source's creation time (else the target skips the
     *                      source's messages older than its copy), and drops are marked as replicated
     *                      (else the target broadcasts them into channels closed to it)
     */
    DdlApplier(TargetCalls calls, boolean replicateMode) {
        this.calls = calls;
        this.replicateMode = replicateMode;
    }

    void createDatabase(String db) {
        if (databaseExists(db)) {
            return;
        }
        Status status = calls.callAllowingFailure("create database", db, DEFAULT_DB,
                s -> s.createDatabase(CreateDatabaseRequest.newBuilder().setDbName(db).build()));
        if (!TargetErrorClassifier.isSuccess(status) && !databaseExists(db)) {
            throw TargetErrorClassifier.fromStatus("create database", db, status);
        }
        LOG.info("Created database {} on the target", db);
    }

    void dropDatabase(String db) {
        if (DEFAULT_DB.equals(db) || !databaseExists(db)) {
            return;
        }
        calls.call("drop database", db, DEFAULT_DB,
                s -> s.dropDatabase(DropDatabaseRequest.newBuilder().setDbName(db).build()), status -> status);
        LOG.info("Dropped database {} on the target", db);
    }

    /**
     * Creates the collection as the copy of a source collection. A collection of that name that is
     * already this copy, with an equivalent schema, is kept; anything else under the name is an
     * error an operator must resolve (the engine drops stale copies before it gets here).
     */
    void createCollection(String db, String name, CollectionDefinition definition) {
        String object = TargetCalls.object(db, name);
        CollectionSchema wanted = SchemaTranslator.forTarget(name, definition.sourceSchema());
        Optional<DescribeCollectionResponse> existing = describeResponse(db, name);
        if (existing.isPresent()) {
            OptionalLong owner = CopyMarker.sourceId(existing.get().getPropertiesList());
            if (owner.isEmpty() || owner.getAsLong() != definition.sourceCollectionId()) {
                throw new PermanentTargetException("create collection", object, "a collection of that name exists and is "
                        + (owner.isEmpty() ? "not a copy made by milvus-cdc" : "the copy of source collection " + owner.getAsLong())
                        + ", not of source collection " + definition.sourceCollectionId(),
                        "Drop or rename the target collection " + object + ", then resume the task");
            }
            SchemaComparison.difference(wanted, SchemaTranslator.forTarget(name, existing.get().getSchema())).ifPresent(diff -> {
                throw new PermanentTargetException("create collection", object,
                        "the target collection already exists with a different schema: " + diff,
                        "Drop or rename the target collection " + object + ", then resume the task");
            });
            return;
        }
        CreateCollectionRequest.Builder request = CreateCollectionRequest.newBuilder()
                .setDbName(db)
                .setCollectionName(name)
                .setSchema(wanted.toByteString())
                .setShardsNum(definition.shardsNum())
                .setConsistencyLevel(definition.consistencyLevel())
                .addAllProperties(CopyMarker.withMarker(definition.properties(), definition.sourceCollectionId()));
        if (definition.numPartitions() > 0 && wanted.getFieldsList().stream().anyMatch(FieldSchema::getIsPartitionKey)) {
            request.setNumPartitions(definition.numPartitions());
        }
        if (replicateMode) {
            request.setBase(MessageReplicator.replicated(definition.sourceCreateTime()));
        }
        calls.call("create collection", object, db, s -> s.createCollection(request.build()), status -> status);
        LOG.info("Created collection {} on the target as the copy of source collection {}", object,
                definition.sourceCollectionId());
    }

    /** Marks an existing collection of an equivalent schema as the copy of a source collection. */
    void adoptCollection(String db, String name, CollectionDefinition definition) {
        String object = TargetCalls.object(db, name);
        CollectionSchema wanted = SchemaTranslator.forTarget(name, definition.sourceSchema());
        CollectionSchema existing = describe(db, name).orElseThrow(() ->
                new TargetObjectMissingException("take over", object, "the collection does not exist", false));
        SchemaComparison.difference(wanted, SchemaTranslator.forTarget(name, existing)).ifPresent(diff -> {
            throw new PermanentTargetException("take over collection", object,
                    "the restored collection has a different schema than the source's: " + diff,
                    "Restore the backup of this source collection, or drop the target collection " + object
                            + ", then resume the task");
        });
        calls.call("take over collection", object, db, s -> s.alterCollection(AlterCollectionRequest.newBuilder()
                .setDbName(db).setCollectionName(name)
                .addAllProperties(CopyMarker.withMarker(List.of(), definition.sourceCollectionId())).build()), status -> status);
        LOG.info("Marked collection {} on the target as the copy of source collection {}", object,
                definition.sourceCollectionId());
    }

    /** The collection of that name on the target, with the source collection it copies; empty when absent. */
    Optional<ExistingCollection> existing(String db, String name) {
        return describeResponse(db, name)
                .map(response -> new ExistingCollection(db, name, CopyMarker.sourceId(response.getPropertiesList())));
    }

    /** Every collection of a database on the target; empty when the database does not exist. */
    List<ExistingCollection> collections(String db) {
        if (!databaseExists(db)) {
            return List.of();
        }
        ShowCollectionsResponse response = calls.callAllowingFailure("list collections", db, db,
                s -> s.showCollections(ShowCollectionsRequest.newBuilder().setDbName(db).build()));
        if (TargetErrorClassifier.isDatabaseMissing(response.getStatus())) {
            // dropped since the check, by the same task's other thread: the replicate channel and
            // the source's metadata both tell of a database drop
            return List.of();
        }
        if (!TargetErrorClassifier.isSuccess(response.getStatus())) {
            throw TargetErrorClassifier.fromStatus("list collections", db, response.getStatus());
        }
        List<ExistingCollection> collections = new ArrayList<>();
        for (String name : response.getCollectionNamesList()) {
            existing(db, name).ifPresent(collections::add);
        }
        return collections;
    }

    List<String> databases() {
        return calls.call("list databases", "", DEFAULT_DB,
                s -> s.listDatabases(ListDatabasesRequest.getDefaultInstance()), ListDatabasesResponse::getStatus)
                .getDbNamesList();
    }

    /** Drops the collection if it is the copy of that source collection; true when it was dropped. */
    boolean dropCollection(String db, String name, long sourceCollectionId) {
        String object = TargetCalls.object(db, name);
        Optional<ExistingCollection> existing = existing(db, name);
        if (existing.isEmpty()) {
            return false;
        }
        if (!existing.get().copies(sourceCollectionId)) {
            LOG.info("Left collection {} on the target: it is not the copy of dropped source collection {}",
                    object, sourceCollectionId);
            return false;
        }
        DropCollectionRequest.Builder drop = DropCollectionRequest.newBuilder().setDbName(db).setCollectionName(name);
        if (replicateMode) {
            drop.setBase(MessageReplicator.replicated());
        }
        calls.call("drop collection", object, db, s -> s.dropCollection(drop.build()), status -> status);
        LOG.info("Dropped collection {} on the target (the copy of source collection {})", object, sourceCollectionId);
        return true;
    }

    void createPartition(String db, String collection, String partition) {
        if (DEFAULT_PARTITION.equals(partition) || partitionExists(db, collection, partition)) {
            return;
        }
        String object = TargetCalls.object(db, collection) + "." + partition;
        calls.call("create partition", object, db, s -> s.createPartition(CreatePartitionRequest.newBuilder()
                .setDbName(db).setCollectionName(collection).setPartitionName(partition).build()), status -> status);
        LOG.info("Created partition {} on the target", object);
    }

    void dropPartition(String db, String collection, String partition) {
        if (DEFAULT_PARTITION.equals(partition) || !partitionExists(db, collection, partition)) {
            return;
        }
        String object = TargetCalls.object(db, collection) + "." + partition;
        // Milvus refuses to drop a loaded partition, and 2.3 logs no partition release a replica could follow.
        calls.call("release partition", object, db, s -> s.releasePartitions(ReleasePartitionsRequest.newBuilder()
                .setDbName(db).setCollectionName(collection).addPartitionNames(partition).build()), status -> status);
        DropPartitionRequest.Builder drop = DropPartitionRequest.newBuilder()
                .setDbName(db).setCollectionName(collection).setPartitionName(partition);
        if (replicateMode) {
            drop.setBase(MessageReplicator.replicated());
        }
        calls.call("drop partition", object, db, s -> s.dropPartition(drop.build()), status -> status);
        LOG.info("Dropped partition {} on the target", object);
    }

    /** The target's schema of the collection, or empty when it does not exist. */
    Optional<CollectionSchema> describe(String db, String name) {
        return describeResponse(db, name).map(DescribeCollectionResponse::getSchema);
    }

    private Optional<DescribeCollectionResponse> describeResponse(String db, String name) {
        String object = TargetCalls.object(db, name);
        DescribeCollectionResponse response = calls.callAllowingFailure("describe collection", object, db,
                s -> s.describeCollection(DescribeCollectionRequest.newBuilder().setDbName(db).setCollectionName(name).build()));
        if (TargetErrorClassifier.isSuccess(response.getStatus())) {
            return Optional.of(response);
        }
        if (TargetErrorClassifier.isCollectionMissing(response.getStatus())
                || TargetErrorClassifier.isDatabaseMissing(response.getStatus())) {
            return Optional.empty();
        }
        throw TargetErrorClassifier.fromStatus("describe collection", object, response.getStatus());
    }

    private boolean databaseExists(String db) {
        return databases().contains(db);
    }

    /** What the target's root coordinator says, which a proxy's stale cache cannot change (see {@link ProxyCacheRefresh}). */
    boolean partitionExists(String db, String collection, String partition) {
        String object = TargetCalls.object(db, collection) + "." + partition;
        BoolResponse response = calls.callAllowingFailure("check partition", object, db, s -> s.hasPartition(
                HasPartitionRequest.newBuilder().setDbName(db).setCollectionName(collection).setPartitionName(partition).build()));
        if (TargetErrorClassifier.isSuccess(response.getStatus())) {
            return response.getValue();
        }
        if (TargetErrorClassifier.isCollectionMissing(response.getStatus())) {
            return false;
        }
        throw TargetErrorClassifier.fromStatus("check partition", object, response.getStatus());
    }
}
