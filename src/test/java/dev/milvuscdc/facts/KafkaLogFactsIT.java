package dev.milvuscdc.facts;

import static dev.milvuscdc.facts.EtcdMetadataFactsIT.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.rig.SourceLog.LogRecord;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.SourceLog;
import dev.milvuscdc.rig.RigExtension;
import dev.milvuscdc.source.meta.proto.EtcdMeta.CollectionInfo;
import dev.milvuscdc.source.meta.proto.EtcdMeta.KeyDataPair;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.CreateDatabaseRequest;
import io.milvus.grpc.CreateIndexRequest;
import io.milvus.grpc.DropDatabaseRequest;
import io.milvus.grpc.DropIndexRequest;
import io.milvus.grpc.FieldData;
import io.milvus.grpc.FieldSchema;
import io.milvus.grpc.FlushRequest;
import io.milvus.grpc.LoadCollectionRequest;
import io.milvus.grpc.MsgType;
import io.milvus.grpc.ReleaseCollectionRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;
import java.util.stream.Collectors;
import milvus.proto.msg.Msg.CreateCollectionRequest;
import milvus.proto.msg.Msg.DeleteRequest;
import milvus.proto.msg.Msg.DropCollectionRequest;
import milvus.proto.msg.Msg.DropPartitionRequest;
import milvus.proto.msg.Msg.InsertRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What Milvus 2.3.5 writes to Kafka for the workload, decoded as its own consumer does (MsgHeader, then the payload class). */
@ExtendWith(RigExtension.class)
class KafkaLogFactsIT {

    private static final String REPLICATE_TOPIC = "by-dev-replicate-msg";
    private static final Duration ASYNC_BROADCAST = Duration.ofSeconds(30);

    private static SourceWorkload run;
    private static SourceLog log;
    private static SourceMetaKeys keys;
    private static List<LogRecord> records;

    @BeforeAll
    static void driveSourceAndReadLog(Rig rig) {
        run = SourceWorkload.get();
        log = new SourceLog(rig.kafkaBootstrap());
        keys = new SourceMetaKeys(rig.etcdEndpoints(), rig.sourceEtcdRoot());
        records = log.readFrom(run.logStart);
    }

    @AfterAll
    static void close() {
        keys.close();
    }

    @Test
    void dmlAndReplicateTopicsHaveOnePartitionAndRecordsHaveNoKey() {
        Map<String, Integer> partitions = log.partitionCounts();

        assertThat(partitions).containsKey(REPLICATE_TOPIC);
        assertThat(partitions.keySet()).allMatch(t -> t.equals(REPLICATE_TOPIC) || t.matches("by-dev-rootcoord-dml_[0-3]"));
        assertThat(partitions.values()).containsOnly(1);
        assertThat(records).allSatisfy(r -> assertThat(r.key()).isNull());
        assertThat(records).filteredOn(r -> r.type() == MsgType.Insert)
                .allSatisfy(r -> assertThat(r.headerKeys()).containsExactly("traceparent"));
    }

    @Test
    void createCollectionGoesToEachPchannelWithTheFullSchemaButNoDatabaseOrName() {
        List<LogRecord> creates = ofCollection(MsgType.CreateCollection, CreateCollectionRequest::parseFrom,
                CreateCollectionRequest::getCollectionID, run.auto.id());
        CollectionInfo info = autoInfo();

        assertThat(creates).extracting(LogRecord::topic).containsExactlyInAnyOrderElementsOf(info.getPhysicalChannelNamesList());
        for (LogRecord record : creates) {
            CreateCollectionRequest create = parse(record.value(), CreateCollectionRequest::parseFrom);
            assertThat(create.getVirtualChannelNamesList()).isEqualTo(info.getVirtualChannelNamesList());
            assertThat(create.getPhysicalChannelNamesList()).isEqualTo(info.getPhysicalChannelNamesList());
            assertThat(create.getDbName()).isEmpty();
            assertThat(create.getDbID()).isZero();
            assertThat(create.getCollectionName()).isEmpty();
            assertThat(create.getBase().getSourceID()).isZero();
            assertThat(create.getBase().getTimestamp()).isEqualTo(info.getCreateTime());
            assertThat(create.getPartitionIDsList()).hasSize(1);
            CollectionSchema schema = parse(create.getSchema().toByteArray(), CollectionSchema::parseFrom);
            assertThat(schema.getName()).isEqualTo(run.auto.name());
            assertThat(schema.getFieldsList()).extracting(FieldSchema::getName)
                    .containsExactlyInAnyOrder("pk", "title", "vec", "$meta", "RowID", "Timestamp");
        }
    }

    @Test
    void messageIdsAreEightByteLittleEndianOffsetsAndStartPositionsPointAtTheCreateCollection() {
        for (KeyDataPair start : autoInfo().getStartPositionsList()) {
            long offset = ByteBuffer.wrap(start.getData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).getLong();
            LogRecord atStart = records.stream()
                    .filter(r -> r.topic().equals(start.getKey()) && r.offset() == offset).findFirst().orElseThrow();

            assertThat(atStart.type()).isEqualTo(MsgType.CreateCollection);
            assertThat(parse(atStart.value(), CreateCollectionRequest::parseFrom).getCollectionID()).isEqualTo(run.auto.id());
        }
    }

    @Test
    void anInsertIsSplitPerShardAndCarriesUserFieldsWithTheGeneratedPrimaryKeyAndTheDynamicField() {
        List<LogRecord> insertRecords = ofCollection(MsgType.Insert, InsertRequest::parseFrom,
                InsertRequest::getCollectionID, run.auto.id());
        List<InsertRequest> inserts = insertRecords.stream().map(r -> parse(r.value(), InsertRequest::parseFrom)).toList();

        assertThat(inserts).hasSize(2);
        assertThat(inserts).extracting(InsertRequest::getShardName)
                .containsExactlyInAnyOrderElementsOf(autoInfo().getVirtualChannelNamesList());
        for (LogRecord record : insertRecords) {
            assertThat(parse(record.value(), InsertRequest::parseFrom).getShardName()).startsWith(record.topic() + "_");
        }
        assertThat(inserts.stream().mapToLong(InsertRequest::getNumRows).sum()).isEqualTo(run.auto.insertPks().size());
        assertThat(inserts.stream().flatMap(i -> field(i, "pk").getScalars().getLongData().getDataList().stream()))
                .containsExactlyInAnyOrderElementsOf(run.auto.insertPks());
        for (InsertRequest insert : inserts) {
            assertThat(insert.getDbName()).isEmpty();
            assertThat(insert.getDbID()).isZero();
            assertThat(insert.getCollectionName()).isEqualTo(run.auto.name());
            assertThat(insert.getPartitionName()).isEqualTo("p1");
            assertThat(insert.getBase().getTimestamp()).isEqualTo(run.auto.insertTs());
            assertThat(insert.getTimestampsList()).hasSize((int) insert.getNumRows()).containsOnly(run.auto.insertTs());
            assertThat(insert.getRowIDsList()).isEqualTo(field(insert, "pk").getScalars().getLongData().getDataList());
            assertThat(insert.getFieldsDataList()).extracting(FieldData::getFieldName)
                    .containsExactly("title", "vec", "$meta", "pk");
            assertThat(insert.getFieldsDataList()).allSatisfy(f -> assertThat(f.getFieldId()).isGreaterThanOrEqualTo(100));
            FieldData dynamic = field(insert, "$meta");
            assertThat(dynamic.getIsDynamic()).isTrue();
            assertThat(dynamic.getScalars().getJsonData().getData(0).toStringUtf8()).matches("\\{\"color\":\"c\\d+\"}");
        }
    }

    @Test
    void aLargeInsertIsSplitIntoMessagesOfAboutFiveMegabytesWithOneTimestamp() {
        List<LogRecord> parts = ofCollection(MsgType.Insert, InsertRequest::parseFrom,
                InsertRequest::getCollectionID, run.big.id());
        List<InsertRequest> inserts = parts.stream().map(r -> parse(r.value(), InsertRequest::parseFrom)).toList();

        assertThat(parts).hasSizeGreaterThanOrEqualTo(3);
        assertThat(parts).allSatisfy(r -> assertThat(r.value().length).isLessThan(6 * 1024 * 1024));
        assertThat(parts).anySatisfy(r -> assertThat(r.value().length).isGreaterThan(5 * 1024 * 1024));
        assertThat(inserts).allSatisfy(i -> assertThat(i.getBase().getTimestamp()).isEqualTo(run.big.insertTs()));
        assertThat(inserts).extracting(i -> i.getBase().getMsgID()).doesNotHaveDuplicates();
        assertThat(inserts.stream().mapToLong(InsertRequest::getNumRows).sum()).isEqualTo(run.bigRows);
    }

    @Test
    void aPlainDeleteNamesNoPartition() {
        DeleteRequest delete = payloads(MsgType.Delete, DeleteRequest::parseFrom).stream()
                .filter(d -> d.getCollectionID() == run.manual.id())
                .filter(d -> d.getPrimaryKeys().getIntId().getDataList().equals(List.of(1L)))
                .findFirst().orElseThrow();

        assertThat(delete.getPartitionID()).isEqualTo(-1);
        assertThat(delete.getPartitionName()).isEmpty();
        assertThat(delete.getDbName()).isEmpty();
        assertThat(delete.getInt64PrimaryKeysList()).isEmpty();
        assertThat(delete.getTimestampsList()).containsOnly(delete.getBase().getTimestamp());
    }

    @Test
    void aDeleteByVarCharKeyCarriesStringIds() {
        DeleteRequest delete = payloads(MsgType.Delete, DeleteRequest::parseFrom).stream()
                .filter(d -> d.getCollectionID() == run.varchar.id()).findFirst().orElseThrow();

        assertThat(delete.getPrimaryKeys().hasStrId()).isTrue();
        assertThat(delete.getPrimaryKeys().getStrId().getDataList()).containsExactly("a");
    }

    @Test
    void upsertIsAnInsertThenADeleteWithEqualRowTimestampsAndAZeroInsertBaseTimestamp() {
        long ts = run.manual.upsertTs();
        LogRecord insertRecord = records.stream().filter(r -> r.type() == MsgType.Insert)
                .filter(r -> parse(r.value(), InsertRequest::parseFrom).getTimestampsList().contains(ts))
                .findFirst().orElseThrow();
        List<LogRecord> after = records.stream()
                .filter(r -> r.topic().equals(insertRecord.topic()) && r.offset() > insertRecord.offset()).toList();
        LogRecord deleteRecord = after.stream().filter(r -> r.type() != MsgType.TimeTick).findFirst().orElseThrow();
        InsertRequest insert = parse(insertRecord.value(), InsertRequest::parseFrom);
        DeleteRequest delete = parse(deleteRecord.value(), DeleteRequest::parseFrom);

        assertThat(insert.getBase().getTimestamp()).isZero();
        assertThat(insert.getTimestampsList()).containsOnly(ts);
        assertThat(field(insert, "id").getScalars().getLongData().getDataList()).containsExactly(2L);
        assertThat(deleteRecord.type()).isEqualTo(MsgType.Delete);
        assertThat(delete.getBase().getTimestamp()).isEqualTo(ts);
        assertThat(delete.getTimestampsList()).containsOnly(ts);
        assertThat(delete.getPrimaryKeys().getIntId().getDataList()).containsExactly(2L);
        assertThat(delete.getPartitionID()).isEqualTo(insert.getPartitionID());
        assertThat(delete.getPartitionName()).isEqualTo("_default");
        assertThat(after.stream().filter(r -> r.offset() < deleteRecord.offset()))
                .as("only ticks below the upsert's timestamp may sit between its insert and delete")
                .allSatisfy(tick -> assertThat(tick.base().getTimestamp()).isLessThan(ts));
    }

    @Test
    void replicateTopicCarriesDatabaseIndexLoadAndFlushRequestsButNoTimeTicks() {
        List<LogRecord> replicate = records.stream().filter(r -> r.topic().equals(REPLICATE_TOPIC)).toList();

        assertThat(replicate).noneMatch(r -> r.type() == MsgType.TimeTick);
        assertThat(replicate).allSatisfy(r -> assertThat(r.base().getMsgID()).isEqualTo(r.base().getTimestamp()));
        assertThat(payloads(replicate, MsgType.CreateDatabase, CreateDatabaseRequest::parseFrom))
                .extracting(CreateDatabaseRequest::getDbName).contains(run.database, run.droppedDatabase);
        assertThat(payloads(replicate, MsgType.DropDatabase, DropDatabaseRequest::parseFrom))
                .extracting(DropDatabaseRequest::getDbName).contains(run.droppedDatabase);
        assertThat(payloads(replicate, MsgType.CreateIndex, CreateIndexRequest::parseFrom)).anySatisfy(index -> {
            assertThat(index.getDbName()).isEqualTo(run.database);
            assertThat(index.getCollectionName()).isEqualTo(run.auto.name());
            assertThat(index.getFieldName()).isEqualTo("vec");
        });
        assertThat(payloads(replicate, MsgType.LoadCollection, LoadCollectionRequest::parseFrom)).anySatisfy(load -> {
            assertThat(load.getDbName()).isEqualTo(run.database);
            assertThat(load.getCollectionName()).isEqualTo(run.auto.name());
        });
        assertThat(payloads(replicate, MsgType.Flush, FlushRequest::parseFrom)).anySatisfy(flush -> {
            assertThat(flush.getDbName()).isEqualTo(run.database);
            assertThat(flush.getCollectionNamesList()).containsExactly(run.auto.name());
        });
        assertThat(payloads(replicate, MsgType.ReleaseCollection, ReleaseCollectionRequest::parseFrom)).anySatisfy(release -> {
            assertThat(release.getDbName()).isEqualTo(run.database);
            assertThat(release.getCollectionName()).isEqualTo(run.auto.name());
        });
        assertThat(payloads(replicate, MsgType.DropIndex, DropIndexRequest::parseFrom)).anySatisfy(drop -> {
            assertThat(drop.getDbName()).isEqualTo(run.database);
            assertThat(drop.getCollectionName()).isEqualTo(run.auto.name());
        });
    }

    @Test
    void aliasesAppearOnNoTopic() {
        assertThat(records).noneMatch(r -> r.type() == MsgType.CreateAlias || r.type() == MsgType.AlterAlias
                || r.type() == MsgType.DropAlias);
    }

    @Test
    void createPartitionAppearsOnNoTopicButDropPartitionGoesToTheDmlChannel() {
        assertThat(records).noneMatch(r -> r.type() == MsgType.CreatePartition);

        DropPartitionRequest drop = payloads(MsgType.DropPartition, DropPartitionRequest::parseFrom).stream()
                .filter(d -> d.getCollectionID() == run.manual.id()).findFirst().orElseThrow();
        assertThat(drop.getPartitionName()).isEqualTo("gone");
        assertThat(drop.getCollectionName()).isEmpty();
        assertThat(drop.getDbName()).isEmpty();
    }

    @Test
    void dropCollectionIsBroadcastOnTheCollectionsPchannel() {
        await().atMost(ASYNC_BROADCAST).untilAsserted(() -> {
            List<LogRecord> drops = ofCollection(log.readFrom(run.logStart), MsgType.DropCollection, DropCollectionRequest::parseFrom,
                    DropCollectionRequest::getCollectionID, run.dropped.id());
            assertThat(drops).hasSize(1);
            DropCollectionRequest drop = parse(drops.get(0).value(), DropCollectionRequest::parseFrom);
            assertThat(drop.getCollectionName()).isEqualTo(run.dropped.name());
            assertThat(drop.getDbName()).isEmpty();
        });
    }

    @Test
    void timeTicksKeepFlowingWithIncreasingTimestampsOnThePchannelsOfALiveCollection() {
        String pchannel = autoInfo().getPhysicalChannelNames(0);
        long ticksBefore = ticks(records, pchannel).size();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<Long> ticks = ticks(log.readFrom(run.logStart), pchannel);
            assertThat(ticks.size()).isGreaterThan((int) ticksBefore);
            assertThat(ticks).isSorted();
        });
        assertThat(records).filteredOn(r -> r.type() == MsgType.TimeTick).allSatisfy(tick -> {
            assertThat(tick.base().getMsgID()).isZero();
            assertThat(tick.base().getSourceID()).isEqualTo(1);
        });
    }

    @Test
    void aTickBoundsTheMessagesAfterItButMayFollowMessagesWithALargerTimestamp() {
        int ticksBelowPrecedingMessages = 0;
        Map<String, List<LogRecord>> byTopic = records.stream().filter(r -> !r.topic().equals(REPLICATE_TOPIC))
                .collect(Collectors.groupingBy(LogRecord::topic));
        for (List<LogRecord> topic : byTopic.values()) {
            long lastTick = 0;
            long maxSinceTick = 0;
            for (LogRecord r : topic) {
                if (r.type() == MsgType.TimeTick) {
                    if (r.base().getTimestamp() < maxSinceTick) {
                        ticksBelowPrecedingMessages++;
                    }
                    lastTick = r.base().getTimestamp();
                    maxSinceTick = 0;
                } else {
                    long ts = messageTimestamp(r);
                    assertThat(ts).as("%s %s@%d after a tick of %d", r.type(), r.topic(), r.offset(), lastTick)
                            .isGreaterThan(lastTick);
                    maxSinceTick = Math.max(maxSinceTick, ts);
                }
            }
        }
        assertThat(ticksBelowPrecedingMessages).isPositive();
    }

    /** The base timestamp, or for an upsert's InsertMsg (base timestamp 0) its rows' timestamp. */
    private static long messageTimestamp(LogRecord r) {
        if (r.base().getTimestamp() != 0 || r.type() != MsgType.Insert) {
            return r.base().getTimestamp();
        }
        return parse(r.value(), InsertRequest::parseFrom).getTimestamps(0);
    }

    private static List<Long> ticks(List<LogRecord> all, String topic) {
        return all.stream().filter(r -> r.topic().equals(topic) && r.type() == MsgType.TimeTick)
                .map(r -> r.base().getTimestamp()).toList();
    }

    private static CollectionInfo autoInfo() {
        String suffix = "/" + run.auto.id();
        byte[] value = keys.prefix("meta/root-coord/database/collection-info/").entrySet().stream()
                .filter(e -> e.getKey().endsWith(suffix)).findFirst().orElseThrow().getValue();
        return parse(value, CollectionInfo::parseFrom);
    }

    private static FieldData field(InsertRequest insert, String name) {
        return insert.getFieldsDataList().stream().filter(f -> f.getFieldName().equals(name)).findFirst().orElseThrow();
    }

    private static <T> List<T> payloads(MsgType type, EtcdMetadataFactsIT.Parser<T> parser) {
        return payloads(records, type, parser);
    }

    private static <T> List<T> payloads(List<LogRecord> from, MsgType type, EtcdMetadataFactsIT.Parser<T> parser) {
        return from.stream().filter(r -> r.type() == type).map(r -> parse(r.value(), parser)).toList();
    }

    private static <T> List<LogRecord> ofCollection(MsgType type, EtcdMetadataFactsIT.Parser<T> parser,
                                                    ToLongFunction<T> collectionId, long id) {
        return ofCollection(records, type, parser, collectionId, id);
    }

    private static <T> List<LogRecord> ofCollection(List<LogRecord> from, MsgType type, EtcdMetadataFactsIT.Parser<T> parser,
                                                    ToLongFunction<T> collectionId, long id) {
        Predicate<LogRecord> matches = r -> r.type() == type && collectionId.applyAsLong(parse(r.value(), parser)) == id;
        return from.stream().filter(matches).toList();
    }
}
