package dev.milvuscdc.replication;

import static dev.milvuscdc.rig.MilvusPair.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.rig.MilvusDriver;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.PulsarAdmin;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.source.log.KafkaMessageIds;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Objects are told apart by the source's ids, not their names, and positions never move silently:
 * each case here left the target quietly different from the source before the engine tracked
 * identities (issue "No row lost, none left behind"). The real engine on the rig; the target is
 * compared with the source row by row and by {@code count(*)}.
 */
class IdentityIT {

    private static final Duration CATCH_UP = Duration.ofSeconds(180);

    private static final MilvusPair milvus = new MilvusPair();
    private static final MilvusDriver source = milvus.source;
    private static final MilvusDriver target = milvus.target;

    private String db;
    private EngineTask task;

    @BeforeEach
    void database() {
        db = "identity_" + UUID.randomUUID().toString().substring(0, 8);
        source.run("create_database", Map.of("db", db));
    }

    @AfterEach
    void stopTask() {
        if (task != null) {
            task.close();
        }
    }

    @AfterAll
    static void closeDrivers() {
        milvus.close();
    }

    @Test
    void aCollectionDroppedAndCreatedAgainWhileTheTaskIsStoppedKeepsOnlyTheNewRows() {
        Map<String, Object> coll = collection("again");
        task = EngineTask.start(db, "*");
        create(coll);
        source.run("insert", with(coll, "start", 1, "count", 500));
        milvus.awaitTargetEqualsSource(coll, CATCH_UP);

        task.stop();
        source.run("drop_collection", coll);
        create(coll);
        source.run("insert", with(coll, "start", 1000, "count", 300));
        task.startAgain();

        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        assertThat(target.run("count", coll).get("count").asInt()).isEqualTo(300);
        assertThat(task.listener.failed).isEmpty();
    }

    @Test
    void aCollectionDroppedAndCreatedAgainWhileTheTaskIsBehindKeepsOnlyTheNewRows() {
        Map<String, Object> coll = collection("behind");
        task = EngineTask.start(db, "*");
        create(coll);
        source.run("insert", with(coll, "start", 1, "count", 20_000));
        source.run("drop_collection", coll);
        create(coll);
        source.run("insert", with(coll, "start", 50_000, "count", 300));

        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        assertThat(target.run("count", coll).get("count").asInt()).isEqualTo(300);
        assertThat(task.listener.failed).isEmpty();
    }

    @Test
    void aPartitionDroppedAndCreatedAgainInATwoShardCollectionKeepsItsNewRows() {
        Map<String, Object> coll = collection("parts");
        task = EngineTask.start(db, "*");
        create(coll);
        dropAndCreateAgainWithNewRows(coll);

        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        assertThat(target.run("count", coll).get("count").asInt()).isEqualTo(300);
        assertThat(task.listener.failed).isEmpty();
    }

    @Test
    void aPartitionDroppedAndCreatedAgainWhileTheTaskIsStoppedKeepsOnlyItsNewRows() {
        Map<String, Object> coll = collection("parts_stopped");
        task = EngineTask.start(db, "*");
        create(coll);
        source.run("create_partition", with(coll, "partition", "p"));
        source.run("insert", with(coll, "start", 1, "count", 200, "partition", "p"));
        milvus.awaitTargetEqualsSource(coll, CATCH_UP);

        task.stop();
        source.run("drop_partition", with(coll, "partition", "p"));
        source.run("create_partition", with(coll, "partition", "p"));
        source.run("insert", with(coll, "start", 5000, "count", 150, "partition", "p"));
        source.run("load", coll);
        task.startAgain();

        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        assertThat(target.run("count", coll).get("count").asInt()).isEqualTo(150);
        assertThat(task.listener.failed).isEmpty();
    }

    @Test
    void aCollectionDroppedWhileItsRowsAreInFlightLeavesTheTaskRunning() {
        Map<String, Object> coll = collection("dropped_busy");
        Map<String, Object> next = collection("after_drop");
        task = EngineTask.start(db, "*");
        create(coll);
        source.run("insert", with(coll, "start", 1, "count", 30_000));
        source.run("drop_collection", coll);

        await().atMost(CATCH_UP).ignoreExceptions().untilAsserted(() ->
                assertThat(target.run("describe", coll).get("exists").asBoolean()).isFalse());
        create(next);
        source.run("insert", with(next, "start", 1, "count", 100));
        milvus.awaitTargetEqualsSource(next, CATCH_UP);
        assertThat(task.listener.failed).isEmpty();
    }

    @Test
    void aCollectionOnChannelsTheTaskDidNotReadWhenCreatedIsReadFromItsFirstMessage() {
        Map<String, Object> coll = collection("new_channels");
        task = EngineTask.start(db, "*");
        assertThat(task.positions()).as("an empty database: only the replicate channel").hasSize(1);

        create(coll);
        source.run("insert", with(coll, "start", 1, "count", 400));

        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        await().atMost(CATCH_UP).untilAsserted(() -> assertThat(task.positions()).hasSize(3));
        assertThat(task.listener.failed).isEmpty();
    }

    /**
     * Retention removes a log's oldest messages. On Kafka the Admin API's deleteRecords moves a
     * topic's log start the same way, at once; on Pulsar unloading a topic closes its ledger and
     * truncating it deletes every ledger but the one being written. Either stands for a pause longer
     * than the retention.
     */
    @Test
    void aPositionTheLogNoLongerHoldsPausesTheTaskAndSaysWhere() throws Exception {
        Map<String, Object> coll = collection("retention");
        task = EngineTask.start(db, "*");
        create(coll);
        source.run("insert", with(coll, "start", 1, "count", 100));
        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        task.stop();
        source.run("insert", with(coll, "start", 1000, "count", 100));

        Map<String, ChannelPosition> stored = new HashMap<>(task.positions());
        stored.remove(replicateChannel());
        if (Rig.get().pulsarSource()) {
            removeEveryLedgerFrom(stored.keySet());
            task.startAgain();
            await().atMost(CATCH_UP).untilAsserted(() -> assertThat(task.listener.failed).anySatisfy(reason -> assertThat(reason)
                    .contains("is no longer in Pulsar")
                    .containsAnyOf(stored.keySet().toArray(String[]::new))
                    .contains("holds ledgers")));
        } else {
            Map<TopicPartition, Long> ends = removeEverythingFrom(stored.keySet());
            task.startAgain();
            await().atMost(CATCH_UP).untilAsserted(() -> assertThat(task.listener.failed).anySatisfy(reason -> assertThat(reason)
                    .contains("no longer in Kafka")
                    .containsAnyOf(stored.keySet().toArray(String[]::new))
                    .contains("holds offsets")));
            String channel = stored.keySet().stream().filter(c -> task.listener.failed.get(0).contains(c)).findFirst().orElseThrow();
            long next = KafkaMessageIds.decode(stored.get(channel).messageId()) + 1;
            assertThat(task.listener.failed.get(0)).contains("next offset to read is " + next)
                    .contains("holds offsets " + ends.get(new TopicPartition(channel, 0)));
        }
        assertThat(task.metrics.scrape()).containsPattern(
                "milvus_cdc_position_lost_total\\{[^}]*task_id=\"" + task.taskId + "\"[^}]*\\} 1\\.0");
        // The task stopped: nothing ticks a target in replicate mode now, where only what is visible can be counted
        Map<String, Object> counted = Rig.get().targetReplicateMode() ? with(coll, "consistency", "Eventually") : coll;
        assertThat(target.run("count", counted).get("count").asInt()).as("nothing after the lost position was applied")
                .isEqualTo(100);
    }

    private Map<String, Object> collection(String name) {
        return Map.of("db", db, "name", name, "schema", "basic");
    }

    private static void create(Map<String, Object> coll) {
        source.createLoaded(coll, 2);
    }

    private static void dropAndCreateAgainWithNewRows(Map<String, Object> coll) {
        source.run("create_partition", with(coll, "partition", "p"));
        source.run("insert", with(coll, "start", 1, "count", 200, "partition", "p"));
        source.run("insert", with(coll, "start", 1000, "count", 100));
        source.run("drop_partition", with(coll, "partition", "p"));
        source.run("create_partition", with(coll, "partition", "p"));
        source.run("insert", with(coll, "start", 5000, "count", 200, "partition", "p"));
        source.run("load", coll);
    }

    /** Moves the log start of each channel to its end; returns the ends. */
    private static Map<TopicPartition, Long> removeEverythingFrom(Iterable<String> channels) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Rig.get().kafkaBootstrap()))) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            channels.forEach(c -> latest.put(new TopicPartition(c, 0), OffsetSpec.latest()));
            Map<TopicPartition, Long> ends = new HashMap<>();
            admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((p, info) -> ends.put(p, info.offset()));
            Map<TopicPartition, RecordsToDelete> deletes = new HashMap<>();
            ends.forEach((p, end) -> deletes.put(p, RecordsToDelete.beforeOffset(end)));
            admin.deleteRecords(deletes).all().get(30, TimeUnit.SECONDS);
            return ends;
        }
    }

    /** Closes each channel's ledger and deletes all but the new one. */
    private static void removeEveryLedgerFrom(Iterable<String> channels) throws Exception {
        PulsarAdmin admin = new PulsarAdmin(Rig.get());
        for (String channel : channels) {
            admin.send("PUT", "/" + channel + "/unload");
        }
        for (String channel : channels) {
            admin.send("DELETE", "/" + channel + "/truncate");
        }
    }

    private static String replicateChannel() {
        return RigReplication.settings().log().replicateChannel();
    }
}
