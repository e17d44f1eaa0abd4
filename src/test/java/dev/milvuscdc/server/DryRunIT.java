package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.rig.MilvusPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dryRun: true}: the server reads and decodes the source's changes, logs them, and leaves the target as it was. */
class DryRunIT {

    private static final MilvusPair milvus = new MilvusPair();

    @TempDir
    Path dataDir;

    @AfterAll
    static void closeDrivers() {
        milvus.close();
    }

    @Test
    void aDryRunLogsEveryChangeItWouldMakeAndLeavesTheTargetUntouched() throws Exception {
        String db = "dry_" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, Object> collection = Map.of("db", db, "name", "c", "schema", "basic");
        try (CdcProcess server = CdcProcess.onRig(dataDir.resolve("cdc"), Map.of("dryRun", true)).start()) {
            server.client().createTaskOver(db);
            milvus.source.run("create_database", Map.of("db", db));
            milvus.source.run("create_collection", collection);
            milvus.source.run("insert", MilvusPair.with(collection, "start", 1, "count", 100));

            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(Files.readString(server.log()))
                    .contains("dry run, not applied: create database " + db)
                    .contains("dry run, not applied: create collection " + db + ".c")
                    .containsPattern("dry run, not applied: (insert|upsert) \\d+ rows into " + db + "\\.c"));
            assertThat(milvus.target.run("list_databases", Map.of()).get("databases").toString()).doesNotContain(db);
        }
    }
}
