package dev.milvuscdc.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.milvuscdc.chaos.FaultSchedule.Kind;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.server.CdcProcess;
import dev.milvuscdc.server.CdcTestClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jepsen's habit on the rig: one task over two source databases replicates a mixed write stream
 * (see {@link ChaosWorkload}) while a seeded schedule of faults runs (see {@link FaultSchedule}):
 * {@code kill -9} of the server, target Milvus outages, restarts of the source's broker (Kafka or Pulsar). At the end the target must
 * equal the source, every key, every field and {@code count(*)}.
 *
 * <p>System properties: {@code chaos.seed} (default: random, printed) replays a schedule,
 * {@code chaos.faults} (default 8) sets its length ({@code scripts/chaos --soak} runs 200),
 * {@code chaos.without} (short names: server, target, broker) leaves kinds of faults out (target
 * outages always on a target in replicate mode, where a restart pauses the task), and
 * {@code chaos.catchUpSeconds} (default 300; a loaded 2-core machine needed over 180) bounds the
 * wait for the target after the last write. Counts that stand still for {@link #STALLED} end the wait
 * early: the target is released and loaded again, and waited for again for what is left of that bound
 * (at least {@link #RELOADED_CATCH_UP}).
 */
class FaultScheduleIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SOURCE_QUIET = Duration.ofMinutes(2);
    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(1);
    private static final Duration WRITE_AFTER_FAULTS = Duration.ofSeconds(5);
    private static final Duration RELOADED_CATCH_UP = Duration.ofSeconds(60);
    /**
     * Target counts that stood still this long show a stale view (docs/rig.md), not a task catching up, which
     * retries a failed call every 10 s at most: the target is then loaded again at once instead of after the
     * whole catch-up time (a Pulsar pass of scripts/test waited 308 s so for rows the target showed once reloaded).
     */
    private static final Duration STALLED = Duration.ofSeconds(90);
    private static final int MAX_LOG_LINES = 200;
    private static final int TRACED_KEYS = 50;
    /** The source's DML topics: the rig's cluster name (scripts/rig) and Milvus's name for them. */
    private static final String SOURCE_DML_TOPICS = "by-dev-rootcoord-dml";

    @TempDir
    Path dataDir;

    @Test
    void targetEqualsSourceAfterAFaultSchedule() throws InterruptedException, IOException {
        long seed = Long.getLong("chaos.seed", ThreadLocalRandom.current().nextLong(1_000_000_000L));
        int faults = Integer.getInteger("chaos.faults", 8);
        Duration catchUp = Duration.ofSeconds(Long.getLong("chaos.catchUpSeconds", 300));
        Set<Kind> without = EnumSet.noneOf(Kind.class);
        without.addAll(Kind.parse(System.getProperty("chaos.without", "")));
        if (Rig.get().targetReplicateMode() && without.add(Kind.TARGET_OUTAGE)) {
            // A restarted target pauses a task in that mode: it cannot write again what the target lost.
            System.out.println("chaos: the target is in replicate mode, where a target restart pauses the task"
                    + " (README): no target outages");
        }
        FaultSchedule planned = FaultSchedule.generate(seed, faults);
        FaultSchedule schedule = planned.without(without);
        String replay = "scripts/chaos --seed %d --faults %d%s".formatted(seed, faults, without.isEmpty() ? ""
                : " --without " + without.stream().map(k -> k.shortName).collect(Collectors.joining(",")));
        ChaosWorkload workload = new ChaosWorkload("chaos" + UUID.randomUUID().toString().substring(0, 6), seed, planned.span());
        System.out.printf("chaos: seed %d, %d faults; replay with %s%n", seed, faults, replay);
        System.out.print(schedule.describe());
        System.out.print(workload.describe());

        long started = System.nanoTime();
        try (MilvusPair milvus = new MilvusPair(); CdcProcess server = CdcProcess.onRig(dataDir.resolve("cdc")).start()) {
            try {
                workload.createDatabases(milvus.source);
                createTask(server, workload.name(), workload.databases());
                long faultsStartedMillis;
                try (workload) {
                    workload.start();
                    faultsStartedMillis = System.currentTimeMillis();
                    new FaultActions(server, Rig.get()).run(schedule);
                    // The last rows are written to a healthy task.
                    Thread.sleep(WRITE_AFTER_FAULTS.toMillis());
                }
                ReplicaComparison comparison = new ReplicaComparison(milvus.source, milvus.target, workload.collections());
                comparison.readSourceWhenQuiet(SOURCE_QUIET);
                long catchUpStarted = System.nanoTime();
                List<String> differences = comparison.awaitTargetEqualsSource(catchUp, STALLED);
                if (!differences.isEmpty()) {
                    differences.forEach(line -> System.out.println("chaos: before the target was loaded again: " + line));
                    comparison.writeMissingKeys(keptFile(seed, "missing-before-reload"));
                    comparison.reloadTarget();
                    Duration left = catchUp.minusNanos(System.nanoTime() - catchUpStarted);
                    Duration reloadedCatchUp = left.compareTo(RELOADED_CATCH_UP) > 0 ? left : RELOADED_CATCH_UP;
                    differences = comparison.awaitTargetEqualsSource(reloadedCatchUp, reloadedCatchUp);
                    System.out.println("chaos: after the target was released and loaded again it "
                            + (differences.isEmpty() ? "equals the source: the target served a stale view" : "still differs"));
                }
                System.out.printf("chaos: seed %d, %d faults, %d s: %s%n", seed, faults, (System.nanoTime() - started) / 1_000_000_000L,
                        differences.isEmpty() ? "the target equals the source" : differences.size() + " collections differ");
                JsonNode task = task(server, workload.name());
                if (!differences.isEmpty()) {
                    comparison.writeMissingKeys(keptFile(seed, "missing"));
                    List<String> clues = new ArrayList<>();
                    try {
                        clues.addAll(traceMissingKeys(comparison, milvus, seed, faultsStartedMillis));
                    } catch (RuntimeException e) {
                        // The comparison's failure below is what matters; a trace is a help to read it.
                        System.out.println("chaos: the missing keys could not be traced: " + e);
                    }
                    report(differences, task, server);
                    clues.addAll(setBacks(server));
                    // CI shows little more than this message: it carries what the logs would have told.
                    fail("after the fault schedule of seed %d (%d faults) the target differs from the source %d s after"
                            + " the last write:%n  %s%n%s%nreplay: %s", seed, faults, catchUp.toSeconds(),
                            String.join("\n  ", differences), String.join("\n", clues), replay);
                }
                assertThat(task.path("state").asText()).as("task state, reason: " + task.path("reason")).isEqualTo("Running");
            } finally {
                server.close();
                keepLog(server, seed);
            }
        }
    }

    /**
     * Creates the task over both databases, in the write mode of the rig's target. On a busy machine the
     * server's source probe may time out and refuse with 500; an operator would try again, and so does
     * this, with the same task id.
     */
    private static void createTask(CdcProcess server, String taskId, List<String> databases) {
        ObjectNode dbCollections = JSON.createObjectNode();
        databases.forEach(db -> dbCollections.putArray(db).addObject().put("name", "*"));
        ObjectNode data = JSON.createObjectNode();
        data.put("task_id", taskId);
        data.put("write_mode", Rig.get().writeMode());
        data.putObject("milvus_connect_param").put("uri", Rig.get().targetUri()).put("connect_timeout", 10);
        data.set("db_collections", dbCollections);
        await("the task to be created").atMost(CREATE_TIMEOUT).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
            CdcTestClient.Reply reply = server.client().request("create", data.toString());
            if (reply.code() != 200) {
                System.out.println("chaos: create refused: " + reply.body());
            }
            assertThat(reply.code()).as(reply.body()).isEqualTo(200);
        });
    }

    private static JsonNode task(CdcProcess server, String taskId) {
        return server.client().request("get", "{\"task_id\":\"" + taskId + "\"}").data().path("task");
    }

    private static void report(List<String> differences, JsonNode task, CdcProcess server) throws IOException {
        differences.forEach(line -> System.out.println("chaos: differs: " + line));
        System.out.printf("chaos: task state %s, reason: %s%n", task.path("state").asText(), task.path("reason").asText("none"));
        List<String> warnings = server.warnings();
        System.out.printf("chaos: the server logged %d WARN/ERROR lines%s%n", warnings.size(),
                warnings.size() > MAX_LOG_LINES ? "; the last " + MAX_LOG_LINES + ":" : ":");
        warnings.subList(Math.max(0, warnings.size() - MAX_LOG_LINES), warnings.size())
                .forEach(line -> System.out.println("server: " + line));
    }

    /**
     * How the missing rows were last written on the source, when it logs to Kafka: for up to {@link
     * #TRACED_KEYS} missing keys per collection, by an upsert, an insert or a delete, and when (seconds
     * after the faults started, as their lines print them). The rig's Milvus logs are kept beside the
     * server's. Returns a line per collection.
     */
    private static List<String> traceMissingKeys(ReplicaComparison comparison, MilvusPair milvus, long seed,
                                                 long faultsStartedMillis)
            throws IOException {
        Rig rig = Rig.get();
        List<String> lines = new ArrayList<>();
        List<String> summaries = new ArrayList<>();
        Map<ChaosCollection, List<String>> traced = rig.pulsarSource() ? Map.of() : comparison.missingKeys();
        for (Map.Entry<ChaosCollection, List<String>> missing : traced.entrySet()) {
            if (missing.getValue().isEmpty()) {
                continue;
            }
            ChaosCollection collection = missing.getKey();
            Set<String> keys = missing.getValue().stream().limit(TRACED_KEYS).collect(Collectors.toSet());
            long sourceId = milvus.source.run("collection_id", collection.args()).get("id").asLong();
            Map<String, List<KafkaKeyTrace.Event>> events =
                    KafkaKeyTrace.trace(rig.kafkaBootstrap(), SOURCE_DML_TOPICS, sourceId, keys);
            String line = "chaos: missing keys of %s (%d traced of %d): %s".formatted(collection, keys.size(),
                    missing.getValue().size(), KafkaKeyTrace.lastWrites(keys, events, faultsStartedMillis));
            System.out.println(line);
            lines.add(line);
            summaries.add(line);
            keys.forEach(key -> lines.add(collection + " " + key + " " + events.getOrDefault(key, List.of())));
        }
        Files.write(keptFile(seed, "trace"), lines);
        for (String milvusLog : List.of("milvus-source", "milvus-target")) {
            Path log = rig.logFile(milvusLog);
            if (Files.exists(log)) {
                Files.copy(log, keptFile(seed, milvusLog), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("chaos: the trace of the missing keys and the rig's Milvus logs are kept in target/chaos");
        return summaries;
    }

    /** The server's lines that set the task back after a target outage: where each replay went back to. */
    private static List<String> setBacks(CdcProcess server) throws IOException {
        return server.warnings().stream().filter(line -> line.contains("reads again"))
                .map(line -> "server: " + line).toList();
    }

    /** The server's log outlives the test's temporary directory, for a look at a failed run. */
    private static void keepLog(CdcProcess server, long seed) throws IOException {
        Path kept = keptFile(seed, "server");
        Files.copy(server.log(), kept, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("chaos: the server's log is kept in " + kept.toAbsolutePath());
    }

    /** A file of a run kept in target/chaos, named after what it holds and the run's seed. */
    private static Path keptFile(long seed, String what) throws IOException {
        Path dir = Path.of("target", "chaos");
        Files.createDirectories(dir);
        return dir.resolve(what + "-seed-" + seed + (what.startsWith("server") || what.startsWith("milvus") ? ".log" : ".txt"));
    }
}
