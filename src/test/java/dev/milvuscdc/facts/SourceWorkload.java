package dev.milvuscdc.facts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.rig.SourceLog;
import dev.milvuscdc.rig.RigPython;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/**
 * What {@code facts/source_workload.py} did to the rig's source Milvus through pymilvus, run once per
 * test JVM with fresh names: a database created and one dropped; in {@code default} a collection with a
 * manual key (insert 1..3, delete 1, upsert 2, partition {@code gone} created and dropped), a dropped
 * collection, one with a VarChar key (insert "a", "b", delete "a") and an alias, and one that takes a
 * single 12 MB insert; in the new database an
 * autoID collection with a dynamic field, two shards, partition {@code p1} holding 20 inserted rows, an
 * index, load, flush, release and index drop.
 */
final class SourceWorkload {

    record CollectionRun(String name, long id, int shards, long insertTs, long upsertTs, List<Long> insertPks) {
        static CollectionRun of(JsonNode node) {
            List<Long> pks = new ArrayList<>();
            node.path("insert_pks").forEach(pk -> pks.add(pk.asLong()));
            return new CollectionRun(node.get("name").asText(), node.get("id").asLong(), node.get("shards").asInt(),
                    node.path("insert_ts").asLong(), node.path("upsert_ts").asLong(), List.copyOf(pks));
        }
    }

    private static SourceWorkload instance;

    final String database;
    final String droppedDatabase;
    final CollectionRun manual;
    final CollectionRun dropped;
    final CollectionRun varchar;
    final CollectionRun big;
    final int bigRows;
    final String alias;
    final CollectionRun auto;

    /** Where each topic ended before the workload ran: its records start there. */
    final Map<TopicPartition, Long> logStart;

    private SourceWorkload(JsonNode report, Map<TopicPartition, Long> logStart) {
        this.logStart = logStart;
        database = report.get("database").asText();
        droppedDatabase = report.get("dropped_database").asText();
        manual = CollectionRun.of(report.get("default").get("manual"));
        dropped = CollectionRun.of(report.get("default").get("dropped"));
        varchar = CollectionRun.of(report.get("default").get("varchar"));
        big = CollectionRun.of(report.get("default").get("big"));
        bigRows = report.get("default").get("big").get("rows").asInt();
        alias = report.get("default").get("varchar").get("alias").asText();
        auto = CollectionRun.of(report.get("other").get("auto"));
    }

    static synchronized SourceWorkload get() {
        if (instance == null) {
            Map<TopicPartition, Long> logStart = new SourceLog(Rig.get().kafkaBootstrap()).endOffsets();
            String suffix = Long.toHexString(System.currentTimeMillis());
            String out = RigPython.run("/facts/source_workload.py", Rig.get().sourceUri(), suffix);
            try {
                instance = new SourceWorkload(new ObjectMapper().readTree(out), logStart);
            } catch (IOException e) {
                throw new IllegalStateException("source_workload.py printed no JSON report: " + out, e);
            }
        }
        return instance;
    }
}
