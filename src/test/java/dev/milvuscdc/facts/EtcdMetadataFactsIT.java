package dev.milvuscdc.facts;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.RigExtension;
import dev.milvuscdc.source.meta.proto.EtcdMeta.AliasInfo;
import dev.milvuscdc.source.meta.proto.EtcdMeta.CollectionInfo;
import dev.milvuscdc.source.meta.proto.EtcdMeta.CollectionState;
import dev.milvuscdc.source.meta.proto.EtcdMeta.DatabaseInfo;
import dev.milvuscdc.source.meta.proto.EtcdMeta.DatabaseState;
import dev.milvuscdc.source.meta.proto.EtcdMeta.KeyDataPair;
import dev.milvuscdc.source.meta.proto.EtcdMeta.PartitionInfo;
import dev.milvuscdc.source.meta.proto.EtcdMeta.PartitionState;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldSchema;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What Milvus 2.3.5 keeps in etcd about the objects the workload created, decoded with the project's etcd_meta.proto. */
@ExtendWith(RigExtension.class)
class EtcdMetadataFactsIT {

    private static final String DB_INFO = "meta/root-coord/database/db-info/";
    private static final String COLLECTION_INFO = "meta/root-coord/database/collection-info/";

    private static SourceWorkload run;
    private static SourceMetaKeys keys;

    @BeforeAll
    static void driveSource(Rig rig) {
        run = SourceWorkload.get();
        keys = new SourceMetaKeys(rig.etcdEndpoints(), rig.sourceEtcdRoot());
    }

    @AfterAll
    static void close() {
        keys.close();
    }

    @Test
    void defaultDatabaseIsIdOneAndANewDatabaseGetsItsOwnIdAndAUnixNanoCreateTime() {
        DatabaseInfo defaultDb = parse(keys.get(DB_INFO + "1").orElseThrow(), DatabaseInfo::parseFrom);
        assertThat(defaultDb.getName()).isEqualTo("default");
        assertThat(defaultDb.getId()).isEqualTo(1);
        assertThat(defaultDb.getState()).isEqualTo(DatabaseState.DatabaseCreated);

        Map.Entry<Long, DatabaseInfo> created = liveDatabases().entrySet().stream()
                .filter(e -> e.getValue().getName().equals(run.database)).findFirst().orElseThrow();
        assertThat(created.getKey()).isNotEqualTo(1L).isEqualTo(created.getValue().getId());
        assertThat(created.getValue().getState()).isEqualTo(DatabaseState.DatabaseCreated);
        assertThat(created.getValue().getTenantId()).isEmpty();
        assertThat(created.getValue().getCreatedTime()).isBetween(unixNanos(Instant.now().minus(Duration.ofDays(1))),
                unixNanos(Instant.now().plus(Duration.ofMinutes(1))));
    }

    @Test
    void aDroppedDatabaseIsATombstoneAtOnceWithItsHistoryInSnapshots() {
        Map<String, byte[]> history = keys.prefix("meta/snapshots/root-coord/database/db-info/");
        String droppedId = history.entrySet().stream()
                .filter(e -> !SourceMetaKeys.isTombstone(e.getValue()))
                .filter(e -> parse(e.getValue(), DatabaseInfo::parseFrom).getName().equals(run.droppedDatabase))
                .map(e -> e.getKey().substring(e.getKey().lastIndexOf('/') + 1, e.getKey().indexOf("_ts")))
                .findFirst().orElseThrow();

        assertThat(keys.get(DB_INFO + droppedId)).hasValueSatisfying(v -> assertThat(SourceMetaKeys.isTombstone(v)).isTrue());
        assertThat(history).hasEntrySatisfying(
                history.keySet().stream().filter(k -> k.contains("/" + droppedId + "_ts")).max(String::compareTo).orElseThrow(),
                v -> assertThat(SourceMetaKeys.isTombstone(v)).isTrue());
    }

    @Test
    void collectionInfoIsKeyedByDatabaseIdAndCarriesChannelsAndStartPositionsButNoFields() {
        long dbId = databaseId(run.database);
        CollectionInfo info = collectionInfo(dbId, run.auto.id());

        assertThat(info.getID()).isEqualTo(run.auto.id());
        assertThat(info.getDbId()).isEqualTo(dbId);
        assertThat(info.getState()).isEqualTo(CollectionState.CollectionCreated);
        assertThat(info.getShardsNum()).isEqualTo(2);
        assertThat(info.getVirtualChannelNamesCount()).isEqualTo(2);
        for (int i = 0; i < 2; i++) {
            String pchannel = info.getPhysicalChannelNames(i);
            assertThat(pchannel).matches("by-dev-rootcoord-dml_[0-3]");
            assertThat(info.getVirtualChannelNames(i)).isEqualTo(pchannel + "_" + run.auto.id() + "v" + i);
        }
        assertThat(info.getStartPositionsList()).extracting(KeyDataPair::getKey)
                .containsExactlyInAnyOrderElementsOf(info.getPhysicalChannelNamesList());
        assertThat(info.getStartPositionsList()).allSatisfy(p -> assertThat(p.getData().size()).isEqualTo(8));
        assertThat(info.getPartitionIDsList()).isEmpty();
        assertThat(info.getConsistencyLevel()).isEqualTo(2);
        assertThat(physicalMillis(info.getCreateTime()))
                .isBetween(Instant.now().minus(Duration.ofDays(1)).toEpochMilli(), Instant.now().toEpochMilli());

        CollectionSchema schema = parse(info.getSchema().toByteArray(), CollectionSchema::parseFrom);
        assertThat(schema.getName()).isEqualTo(run.auto.name());
        assertThat(schema.getEnableDynamicField()).isTrue();
        assertThat(schema.getFieldsList()).isEmpty();
    }

    @Test
    void collectionsOfTheDefaultDatabaseUseDatabaseIdOneAndNoLegacyKey() {
        assertThat(collectionInfo(1, run.manual.id()).getDbId()).isEqualTo(1);
        assertThat(keys.get("meta/root-coord/collection/" + run.manual.id())).isEmpty();
        assertThat(keys.prefix("meta/root-coord/collection/")).isEmpty();
    }

    @Test
    void fieldsAreOneKeyEachIncludingSystemFieldsAndTheDynamicField() {
        Map<Long, FieldSchema> fields = new TreeMap<>();
        keys.prefix("meta/root-coord/fields/" + run.auto.id() + "/").forEach((key, value) ->
                fields.put(Long.parseLong(key.substring(key.lastIndexOf('/') + 1)), parse(value, FieldSchema::parseFrom)));

        assertThat(fields).containsOnlyKeys(0L, 1L, 100L, 101L, 102L, 103L);
        fields.forEach((id, field) -> assertThat(field.getFieldID()).isEqualTo(id));
        assertThat(fields.get(0L).getName()).isEqualTo("RowID");
        assertThat(fields.get(1L).getName()).isEqualTo("Timestamp");
        assertThat(fields.get(100L)).satisfies(pk -> {
            assertThat(pk.getName()).isEqualTo("pk");
            assertThat(pk.getIsPrimaryKey()).isTrue();
            assertThat(pk.getAutoID()).isTrue();
        });
        assertThat(fields.get(103L)).satisfies(meta -> {
            assertThat(meta.getName()).isEqualTo("$meta");
            assertThat(meta.getDataType()).isEqualTo(DataType.JSON);
            assertThat(meta.getIsDynamic()).isTrue();
        });
    }

    @Test
    void partitionsAreKeyedByCollectionWithTheDefaultPartitionCreatedWithTheCollection() {
        Map<String, PartitionInfo> partitions = partitionsByName(run.auto.id());

        assertThat(partitions).containsOnlyKeys("_default", "p1");
        assertThat(partitions.values()).allSatisfy(p -> {
            assertThat(p.getCollectionId()).isEqualTo(run.auto.id());
            assertThat(p.getState()).isEqualTo(PartitionState.PartitionCreated);
        });
        assertThat(partitions.get("_default").getPartitionCreatedTimestamp())
                .isEqualTo(collectionInfo(databaseId(run.database), run.auto.id()).getCreateTime());
    }

    @Test
    void aDroppedPartitionStaysInStateDroppingInsteadOfATombstone() {
        assertThat(partitionsByName(run.manual.id()).get("gone").getState()).isEqualTo(PartitionState.PartitionDropping);
    }

    @Test
    void aDroppedCollectionStaysInStateDroppingWithItsFieldsUntilGarbageCollected() {
        CollectionInfo info = collectionInfo(1, run.dropped.id());

        assertThat(info.getState()).isEqualTo(CollectionState.CollectionDropping);
        assertThat(keys.prefix("meta/root-coord/fields/" + run.dropped.id() + "/")).isNotEmpty();
        assertThat(keys.prefix("meta/snapshots/" + COLLECTION_INFO.substring("meta/".length()) + "1/" + run.dropped.id() + "_ts"))
                .hasSizeGreaterThanOrEqualTo(2);
    }

    @Test
    void anAliasIsKeyedByDatabaseIdAndName() {
        AliasInfo alias = parse(keys.get("meta/root-coord/database/aliases/1/" + run.alias).orElseThrow(), AliasInfo::parseFrom);

        assertThat(alias.getAliasName()).isEqualTo(run.alias);
        assertThat(alias.getCollectionId()).isEqualTo(run.varchar.id());
        assertThat(alias.getDbId()).isEqualTo(1);
        assertThat(alias.getState()).isZero();
    }

    @Test
    void theProjectsEtcdMetaProtoCoversEveryFieldMilvusWrites() {
        Map<String, byte[]> all = keys.prefix("meta/root-coord/");
        Map<String, Parser<? extends Message>> parsers = Map.of(
                "meta/root-coord/database/db-info/", DatabaseInfo::parseFrom,
                "meta/root-coord/database/collection-info/", CollectionInfo::parseFrom,
                "meta/root-coord/partitions/", PartitionInfo::parseFrom,
                "meta/root-coord/database/aliases/", AliasInfo::parseFrom);
        int decoded = 0;
        for (Map.Entry<String, byte[]> entry : all.entrySet()) {
            if (SourceMetaKeys.isTombstone(entry.getValue())) {
                continue;
            }
            for (Map.Entry<String, Parser<? extends Message>> parser : parsers.entrySet()) {
                if (entry.getKey().startsWith(parser.getKey())) {
                    Message message = parse(entry.getValue(), parser.getValue());
                    assertThat(message.getUnknownFields().asMap()).as(entry.getKey()).isEmpty();
                    decoded++;
                }
            }
        }
        assertThat(decoded).isGreaterThanOrEqualTo(8);
    }

    @Test
    void theTimestampOracleKeyIsBigEndianUnixNanoseconds() {
        byte[] value = keys.get("kv/gid/timestamp").orElseThrow();

        assertThat(value).hasSize(8);
        long bigEndian = ByteBuffer.wrap(value).order(ByteOrder.BIG_ENDIAN).getLong();
        long littleEndian = ByteBuffer.wrap(value).order(ByteOrder.LITTLE_ENDIAN).getLong();
        long dayAgo = unixNanos(Instant.now().minus(Duration.ofDays(1)));
        long soon = unixNanos(Instant.now().plus(Duration.ofMinutes(1)));
        assertThat(bigEndian).isBetween(dayAgo, soon);
        assertThat(littleEndian >= dayAgo && littleEndian <= soon).as("little-endian reading %d is a plausible time", littleEndian).isFalse();
    }

    private static Map<Long, DatabaseInfo> liveDatabases() {
        Map<Long, DatabaseInfo> databases = new TreeMap<>();
        keys.prefix(DB_INFO).forEach((key, value) -> {
            if (!SourceMetaKeys.isTombstone(value)) {
                databases.put(Long.parseLong(key.substring(DB_INFO.length())), parse(value, DatabaseInfo::parseFrom));
            }
        });
        return databases;
    }

    private static long databaseId(String name) {
        return liveDatabases().values().stream().filter(d -> d.getName().equals(name)).findFirst().orElseThrow().getId();
    }

    private static CollectionInfo collectionInfo(long dbId, long collectionId) {
        return parse(keys.get(COLLECTION_INFO + dbId + "/" + collectionId).orElseThrow(), CollectionInfo::parseFrom);
    }

    private static Map<String, PartitionInfo> partitionsByName(long collectionId) {
        Map<String, PartitionInfo> partitions = new TreeMap<>();
        keys.prefix("meta/root-coord/partitions/" + collectionId + "/").values().forEach(value -> {
            PartitionInfo p = parse(value, PartitionInfo::parseFrom);
            partitions.put(p.getPartitionName(), p);
        });
        return partitions;
    }

    static long physicalMillis(long hybridTimestamp) {
        return hybridTimestamp >>> 18;
    }

    private static long unixNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    interface Parser<T> {
        T parse(byte[] bytes) throws InvalidProtocolBufferException;
    }

    static <T> T parse(byte[] bytes, Parser<T> parser) {
        try {
            return parser.parse(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new AssertionError("value does not decode as expected: " + e.getMessage(), e);
        }
    }
}
