package dev.milvuscdc.sink;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.milvuscdc.rig.MilvusDriver;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.SourceLog;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.ConsistencyLevel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import milvus.proto.msg.Msg;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replays the real messages a source Milvus 2.3.5 wrote to Kafka (its CreateCollection schema,
 * Insert fields_data as they are, Delete primary keys) through the writer, twice, and compares the
 * target with the source, both read by pymilvus.
 */
class SourceInsertReplayIT {

    private static TargetFixture target;
    private static MilvusDriver sourceDriver;
    private static MilvusDriver targetDriver;

    @BeforeAll
    static void start() throws Exception {
        target = new TargetFixture();
        sourceDriver = MilvusDriver.source();
        targetDriver = MilvusDriver.target();
    }

    @AfterAll
    static void stop() {
        target.close();
        sourceDriver.close();
        targetDriver.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"all_types", "dynamic", "basic", "autoid", "varchar_pk", "partition_key"})
    void replayingTheSourceLogTwiceMakesTheTargetEqualToTheSource(String schema) throws Exception {
        String name = TargetFixture.uniqueName("replay_" + schema);
        Map<TopicPartition, Long> logStart = new SourceLog(Rig.get().kafkaBootstrap()).endOffsets();
        sourceDriver.run("create_collection", Map.of("name", name, "schema", schema));
        JsonNode inserted = sourceDriver.run("insert", Map.of("name", name, "schema", schema, "start", 1, "count", 30, "batch", 10));
        List<Object> doomed = new ArrayList<>(List.of(2, 3, 29));
        if (schema.equals("autoid")) {
            doomed = List.of(inserted.get("primary_keys").get(1).asLong(), inserted.get("primary_keys").get(2).asLong());
        } else {
            sourceDriver.run("upsert", Map.of("name", name, "schema", schema, "start", 5, "count", 5, "version", 1));
        }
        sourceDriver.run("delete", Map.of("name", name, "schema", schema, "ids", doomed));

        List<SourceDmlLog.Message> log = SourceDmlLog.of(Rig.get().kafkaBootstrap(), logStart, name);
        replay(name, log);
        replay(name, log);

        for (MilvusDriver driver : List.of(sourceDriver, targetDriver)) {
            driver.run("create_index", Map.of("name", name, "schema", schema));
            driver.run("load", Map.of("name", name));
        }
        JsonNode expected = sourceDriver.run("dump", Map.of("name", name));
        assertThat(expected.get("count").asInt()).isEqualTo(30 - doomed.size());
        assertThat(targetDriver.run("dump", Map.of("name", name))).isEqualTo(expected);
    }

    private static void replay(String name, List<SourceDmlLog.Message> log) throws Exception {
        for (SourceDmlLog.Message message : log) {
            switch (message.type()) {
                case CreateCollection -> {
                    Msg.CreateCollectionRequest create = Msg.CreateCollectionRequest.parseFrom(message.payload());
                    target.writer.createCollection("default", name, new CollectionDefinition(
                            CollectionSchema.parseFrom(create.getSchema()), 1, ConsistencyLevel.Bounded, List.of(), 4,
                            create.getCollectionID(), create.getBase().getTimestamp()));
                }
                case Insert -> {
                    Msg.InsertRequest insert = Msg.InsertRequest.parseFrom(message.payload());
                    target.upsert("default", name, insert.getPartitionName(), insert.getFieldsDataList(),
                            (int) insert.getNumRows());
                }
                case Delete -> {
                    Msg.DeleteRequest delete = Msg.DeleteRequest.parseFrom(message.payload());
                    target.writer.delete("default", name, delete.getPartitionName(), delete.getPrimaryKeys());
                }
                default -> throw new IllegalStateException("unexpected " + message.type());
            }
        }
    }
}
