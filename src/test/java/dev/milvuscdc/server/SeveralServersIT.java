package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.Rig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Three server processes on one shared task store (the rig's etcd, then its MariaDB), four tasks each
 * scoped to a database under a write stream: the owner of a task is killed three times in a row, on
 * different servers; a server is frozen with SIGSTOP past its lease and then continued; a pause and a
 * resume are sent to servers that do not run the task. In the end every target equals its source, no
 * hold of a task was ever taken twice with one token, and each task's hold metric shows on its owner
 * only. Failover times are printed; the servers' logs are kept in {@code target/several-servers}.
 */
class SeveralServersIT {

    private static final Duration CATCH_UP = Duration.ofSeconds(240);
    /**
     * Half the default of 10 s: the test waits out a lease eight times, and a shorter one takes 40 s off it
     * while still leaving ten renewals (every 500 ms) before a busy server loses its hold.
     */
    private static final int LEASE_SECONDS = 5;
    /** The default taskLeaseSeconds (twice this test's), plus a round, a task start and the machine being slow. */
    private static final Duration FAILOVER_LIMIT = Duration.ofSeconds(45);
    /**
     * Its renewal finds the hold gone at once (under a second, measured); but a fault report of the runner may
     * hold the task first, and its store calls and the runner's stop have 10 s each.
     */
    private static final Duration THAWED_STOP_LIMIT = Duration.ofSeconds(60);
    private static final Pattern TAKES = Pattern.compile("server (\\S+) takes task (\\S+) \\(hold (\\d+) of task");

    private static final MilvusPair milvus = new MilvusPair();

    @TempDir
    Path dir;
    private final Map<String, CdcProcess> servers = new LinkedHashMap<>();
    private final List<SourceWriteStream> streams = new ArrayList<>();
    private String storeType;

    @AfterAll
    static void closeDrivers() {
        milvus.close();
    }

    @AfterEach
    void stopAll() throws Exception {
        for (SourceWriteStream stream : streams) {
            stream.close();
        }
        Path kept = Path.of("target", "several-servers");
        Files.createDirectories(kept);
        for (Map.Entry<String, CdcProcess> server : servers.entrySet()) {
            server.getValue().thaw();
            server.getValue().close();
            // The logs outlive the test's temporary directory, to read a failed failover.
            if (Files.exists(server.getValue().log())) {
                Files.copy(server.getValue().log(), kept.resolve(storeType + "-" + server.getKey() + ".log"),
                        StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"etcd", "mysql"})
    void eachTaskRunsOnOneServerAndMovesWhenItsServerDiesOrFreezes(String storeType) throws Exception {
        this.storeType = storeType;
        Map<String, Object> store = store(storeType, "several-" + UUID.randomUUID().toString().substring(0, 8));
        for (String name : List.of("s1", "s2", "s3")) {
            servers.put(name, CdcProcess.onRig(dir.resolve(name), Map.of("serverName", name, "metaStoreConfig", store,
                    "taskLeaseSeconds", LEASE_SECONDS))
                    .start());
        }
        List<String> dbs = new ArrayList<>();
        Map<String, String> tasks = new LinkedHashMap<>();
        for (int i = 0; i < 4; i++) {
            String db = "several_" + UUID.randomUUID().toString().substring(0, 8);
            dbs.add(db);
            tasks.put(servers.get("s1").client().createTaskOver(db), db);
        }
        for (String db : dbs) {
            milvus.source.run("create_database", Map.of("db", db));
            milvus.source.createLoaded(collection(db), 1);
            streams.add(new SourceWriteStream(collection(db)));
        }
        await().atMost(CATCH_UP).untilAsserted(() ->
                assertThat(owners(tasks.keySet()).values()).doesNotContain("").containsOnly("s1", "s2", "s3")
                        .hasSize(4).containsAll(Set.of("s1", "s2", "s3")));

        List<Duration> failovers = new ArrayList<>();
        List<String> killed = new ArrayList<>();
        for (int round = 0; round < 3; round++) {
            String task = tasks.keySet().stream().filter(t -> !killed.contains(owner(t))).findFirst().orElseThrow();
            String victim = owner(task);
            killed.add(victim);
            servers.get(victim).kill();
            long killedAt = System.nanoTime();
            await("task " + task + " to move from " + victim + ", killed (" + storeType + ")")
                    .atMost(FAILOVER_LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> {
                String now = owner(task);
                return !now.isEmpty() && !now.equals(victim);
            });
            failovers.add(Duration.ofNanos(System.nanoTime() - killedAt));
            servers.get(victim).start();
        }
        System.out.println("several servers (" + storeType + "): failover after kill -9: "
                + failovers.stream().map(d -> d.toMillis() + " ms").collect(Collectors.joining(", ")));

        String frozenTask = tasks.keySet().iterator().next();
        String frozen = owner(frozenTask);
        servers.get(frozen).freeze();
        long frozenAt = System.nanoTime();
        await("task " + frozenTask + " to move from " + frozen + ", frozen (" + storeType + ")")
                .atMost(FAILOVER_LIMIT).pollInterval(Duration.ofMillis(200)).until(() -> {
            String now = ownerAsked(frozenTask, frozen);
            return !now.isEmpty() && !now.equals(frozen);
        });
        System.out.println("several servers (" + storeType + "): failover from a frozen server: "
                + Duration.ofNanos(System.nanoTime() - frozenAt).toMillis() + " ms");
        int linesBeforeThaw = Files.readAllLines(servers.get(frozen).log()).size();
        servers.get(frozen).thaw();
        long thawedAt = System.nanoTime();
        await().atMost(THAWED_STOP_LIMIT).untilAsserted(() -> assertThat(linesSince(servers.get(frozen), linesBeforeThaw))
                .as("%s's log since it was thawed", frozen)
                .anyMatch(line -> stopsRunnerAfterHoldLost(line, frozen)));
        System.out.println("several servers (" + storeType + "): the thawed server began stopping its runner within "
                + Duration.ofNanos(System.nanoTime() - thawedAt).toMillis() + " ms");

        String pausedTask = tasks.keySet().stream().skip(1).findFirst().orElseThrow();
        String holder = await().atMost(FAILOVER_LIMIT).until(() -> owner(pausedTask), servers::containsKey);
        CdcProcess other = servers.entrySet().stream().filter(e -> !e.getKey().equals(holder)).findFirst()
                .orElseThrow().getValue();
        assertThat(other.client().request("pause", idBody(pausedTask)).code()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Files.readAllLines(servers.get(holder).log()))
                .anyMatch(line -> line.contains("runner stopped for the task was paused")));
        assertThat(other.client().request("resume", idBody(pausedTask)).code()).isEqualTo(200);

        for (SourceWriteStream stream : streams) {
            stream.close();
        }
        streams.clear();
        for (String db : dbs) {
            milvus.awaitTargetEqualsSource(collection(db), CATCH_UP);
        }
        assertThat(task(pausedTask).path("state").asText()).isEqualTo("Running");
        assertEveryHoldTakenOnce();
        for (String taskId : tasks.keySet()) {
            assertThat(servers.entrySet().stream().filter(e -> e.getValue().client().get("/cdc/metrics").body()
                    .contains("milvus_cdc_task_hold{task_id=\"" + taskId + "\"}")).map(Map.Entry::getKey))
                    .as("servers whose metrics say they run task %s", taskId).containsExactly(owner(taskId));
        }
    }

    /**
     * The thawed server stops its runner without touching the task: either its renewal finds the hold
     * gone first, or a worker that was inside a step when frozen goes on, its next store write is refused
     * under the lost hold, and the failure (or restart) report finds the hold gone; a stop past its
     * deadline is logged as "runner took ... ms to stop for a failure after its hold on the task ended".
     */
    private static boolean stopsRunnerAfterHoldLost(String line, String server) {
        return line.contains("stops its runner on server " + server) || line.contains("after its hold on the task ended");
    }

    /** Only the lines a server logged since {@code skipped}: a failed assertion then shows what matters. */
    private static List<String> linesSince(CdcProcess server, int skipped) throws IOException {
        List<String> lines = Files.readAllLines(server.log());
        return lines.subList(Math.min(skipped, lines.size()), lines.size());
    }

    /** Every hold a server took of a task has a token no other take of that task had: never two holders at once. */
    private void assertEveryHoldTakenOnce() throws IOException {
        Map<String, List<String>> takes = new LinkedHashMap<>();
        for (CdcProcess server : servers.values()) {
            for (String line : Files.readAllLines(server.log())) {
                Matcher take = TAKES.matcher(line);
                if (take.find()) {
                    takes.computeIfAbsent(take.group(2), t -> new ArrayList<>()).add(take.group(3));
                }
            }
        }
        assertThat(takes).isNotEmpty();
        takes.forEach((task, tokens) -> assertThat(tokens).as("holds taken of task %s", task).doesNotHaveDuplicates());
    }

    private Map<String, Object> store(String storeType, String rootPath) {
        Map<String, Object> store = new LinkedHashMap<>();
        store.put("storeType", storeType);
        store.put("rootPath", rootPath);
        if (storeType.equals("etcd")) {
            store.put("etcd", Map.of("address", List.of(Rig.get().etcdEndpoints().split(","))));
        } else {
            store.put("mysqlSourceUrl", Rig.get().mysqlGoDsn());
        }
        return store;
    }

    private static Map<String, Object> collection(String db) {
        return Map.of("db", db, "name", "stream", "schema", "basic");
    }

    private Map<String, String> owners(Set<String> taskIds) {
        Map<String, String> owners = new LinkedHashMap<>();
        taskIds.forEach(id -> owners.put(id, owner(id)));
        return owners;
    }

    /** The task's owner as a live server (the first one that answers) shows it. */
    private String owner(String taskId) {
        return task(taskId).path("owner").asText();
    }

    /** The task's owner as any server but {@code not} shows it (that one may be frozen). */
    private String ownerAsked(String taskId, String not) {
        return servers.entrySet().stream().filter(e -> !e.getKey().equals(not)).findFirst().orElseThrow()
                .getValue().client().request("get", idBody(taskId)).data().path("task").path("owner").asText();
    }

    private JsonNode task(String taskId) {
        for (CdcProcess server : servers.values()) {
            try {
                return server.client().request("get", idBody(taskId)).data().path("task");
            } catch (RuntimeException e) {
                // killed or restarting: ask the next one
            }
        }
        throw new AssertionError("no server answered get of task " + taskId);
    }

    private static String idBody(String taskId) {
        return "{\"task_id\":\"" + taskId + "\"}";
    }
}
