package dev.milvuscdc.sink;

import io.milvus.grpc.BoolResponse;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import io.milvus.grpc.CreateCollectionRequest;
import io.milvus.grpc.CreateDatabaseRequest;
import io.milvus.grpc.CreatePartitionRequest;
import io.milvus.grpc.DescribeCollectionRequest;
import io.milvus.grpc.DescribeCollectionResponse;
import io.milvus.grpc.DropCollectionRequest;
import io.milvus.grpc.DropDatabaseRequest;
import io.milvus.grpc.DropPartitionRequest;
import io.milvus.grpc.HasCollectionRequest;
import io.milvus.grpc.HasPartitionRequest;
import io.milvus.grpc.KeyValuePair;
import io.milvus.grpc.ListDatabasesRequest;
import io.milvus.grpc.ListDatabasesResponse;
import io.milvus.grpc.ReleasePartitionsRequest;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Databases, collections and partitions on the target; each call checks first, so a replay is a no-op. */
final class DdlApplier {

    static final String DEFAULT_DB = "default";
    private static final String DEFAULT_PARTITION = "_default";
    private static final Logger LOG = LoggerFactory.getLogger(DdlApplier.class);

    private final TargetCalls calls;

    DdlApplier(TargetCalls calls) {
        this.calls = calls;
    }

    void createDatabase(String db) {
        if (databaseExists(db)) {
            return;
        }
        calls.call("create database", db, DEFAULT_DB,
                s -> s.createDatabase(CreateDatabaseRequest.newBuilder().setDbName(db).build()), status -> status);
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

    void createCollection(String db, String name, CollectionSchema sourceSchema, int shardsNum,
                          ConsistencyLevel consistency, List<KeyValuePair> properties, int numPartitions) {
        String object = TargetCalls.object(db, name);
        CollectionSchema wanted = SchemaTranslator.forTarget(name, sourceSchema);
        Optional<CollectionSchema> existing = describe(db, name);
        if (existing.isPresent()) {
            SchemaComparison.difference(wanted, SchemaTranslator.forTarget(name, existing.get())).ifPresent(diff -> {
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
                .setShardsNum(shardsNum)
                .setConsistencyLevel(consistency)
                .addAllProperties(properties);
        if (numPartitions > 0 && wanted.getFieldsList().stream().anyMatch(f -> f.getIsPartitionKey())) {
            request.setNumPartitions(numPartitions);
        }
        calls.call("create collection", object, db, s -> s.createCollection(request.build()), status -> status);
        LOG.info("Created collection {} on the target", object);
    }

    void dropCollection(String db, String name) {
        String object = TargetCalls.object(db, name);
        if (!collectionExists(db, name)) {
            return;
        }
        calls.call("drop collection", object, db, s -> s.dropCollection(
                DropCollectionRequest.newBuilder().setDbName(db).setCollectionName(name).build()), status -> status);
        LOG.info("Dropped collection {} on the target", object);
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
        calls.call("drop partition", object, db, s -> s.dropPartition(DropPartitionRequest.newBuilder()
                .setDbName(db).setCollectionName(collection).setPartitionName(partition).build()), status -> status);
        LOG.info("Dropped partition {} on the target", object);
    }

    /** The target's schema of the collection, or empty when it does not exist. */
    Optional<CollectionSchema> describe(String db, String name) {
        String object = TargetCalls.object(db, name);
        DescribeCollectionResponse response = calls.callAllowingFailure("describe collection", object, db,
                s -> s.describeCollection(DescribeCollectionRequest.newBuilder().setDbName(db).setCollectionName(name).build()));
        if (TargetErrorClassifier.isSuccess(response.getStatus())) {
            return Optional.of(response.getSchema());
        }
        if (TargetErrorClassifier.isCollectionMissing(response.getStatus())) {
            return Optional.empty();
        }
        throw TargetErrorClassifier.fromStatus("describe collection", object, response.getStatus());
    }

    private boolean databaseExists(String db) {
        ListDatabasesResponse response = calls.call("list databases", db, DEFAULT_DB,
                s -> s.listDatabases(ListDatabasesRequest.getDefaultInstance()), ListDatabasesResponse::getStatus);
        return response.getDbNamesList().contains(db);
    }

    private boolean collectionExists(String db, String name) {
        return calls.call("check collection", TargetCalls.object(db, name), db, s -> s.hasCollection(
                HasCollectionRequest.newBuilder().setDbName(db).setCollectionName(name).build()),
                BoolResponse::getStatus).getValue();
    }

    private boolean partitionExists(String db, String collection, String partition) {
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
