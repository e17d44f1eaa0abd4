package dev.milvuscdc.store;

import static dev.milvuscdc.store.StoreFixtures.fullSpec;
import static dev.milvuscdc.store.StoreFixtures.position;
import static dev.milvuscdc.store.StoreFixtures.runConcurrently;
import static dev.milvuscdc.store.StoreFixtures.spec;
import static dev.milvuscdc.store.StoreFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link TaskStore} must do. Each backend's test extends this class and says how to open
 * its store; every test starts with an empty root path of its own.
 */
abstract class TaskStoreContract {

    /** Opens a store on this test's backing database; every call within one test reaches the same data. */
    protected abstract TaskStore open(String rootPath);

    /** False for a store that keeps nothing across instances: the reopen and tenant tests are skipped. */
    protected boolean durable() {
        return true;
    }

    private final List<TaskStore> opened = new ArrayList<>();
    protected String rootPath;
    protected TaskStore store;

    @BeforeEach
    void openStore() {
        rootPath = "cdc-test-" + UUID.randomUUID();
        store = track(open(rootPath));
    }

    @AfterEach
    void removeTasksAndClose() {
        for (TaskStore each : opened) {
            each.list().forEach(task -> each.delete(task.taskId()));
            each.close();
        }
    }

    protected TaskStore track(TaskStore newStore) {
        opened.add(newStore);
        return newStore;
    }

    protected void reopen() {
        store.close();
        opened.remove(store);
        store = track(open(rootPath));
    }

    @Test
    void getReturnsExactlyWhatWasPutIncludingSecrets() {
        TaskRecord task = new TaskRecord("t1", fullSpec(), TaskState.Paused, "paused by hand");

        store.put(task);

        assertThat(store.get("t1")).contains(task);
        TaskSpec stored = store.get("t1").orElseThrow().spec();
        assertThat(stored.milvusConnectParam().token()).isEqualTo("root:Milvus");
        assertThat(stored.kafkaConnectParam().sasl().password()).isEqualTo("sasl-secret");
    }

    @Test
    void createStoresTheTaskWithItsStartPositions() {
        TaskRecord task = task("t1", TaskState.Initial, "");

        store.create(task, List.of(position("ch1", "a", 10), position("ch2", "b", 20)));

        assertThat(store.get("t1")).contains(task);
        assertThat(store.positions("t1")).isEqualTo(Map.of("ch1", position("ch1", "a", 10), "ch2", position("ch2", "b", 20)));
    }

    @Test
    void getOfAnUnknownTaskIsEmpty() {
        assertThat(store.get("nope")).isEmpty();
        assertThat(store.positions("nope")).isEmpty();
    }

    @Test
    void listIsInCreationOrderAndAReplacedTaskKeepsItsPlace() {
        store.put(task("b", TaskState.Initial, ""));
        store.put(task("a", TaskState.Initial, ""));
        store.put(task("c", TaskState.Initial, ""));

        store.put(task("a", TaskState.Running, ""));

        assertThat(store.list()).extracting(TaskRecord::taskId).containsExactly("b", "a", "c");
        assertThat(store.list().get(1).state()).isEqualTo(TaskState.Running);
    }

    @Test
    void putReplacesStateReasonAndSpec() {
        store.put(task("t1", TaskState.Running, ""));
        TaskRecord paused = new TaskRecord("t1", spec("other-collection"), TaskState.Paused, "target unreachable");

        store.put(paused);
        assertThat(store.get("t1")).contains(paused);

        store.put(paused.withState(TaskState.Running, ""));
        assertThat(store.get("t1").orElseThrow().reason()).isEmpty();
        assertThat(store.get("t1").orElseThrow().state()).isEqualTo(TaskState.Running);
    }

    @Test
    void deleteRemovesTheTaskAndAllItsPositions() {
        store.put(task("t1", TaskState.Running, ""));
        store.savePositions("t1", List.of(position("ch1", "m1", 1), position("ch2", "m2", 2)));

        assertThat(store.delete("t1")).isTrue();

        assertThat(store.get("t1")).isEmpty();
        assertThat(store.list()).isEmpty();
        assertThat(store.positions("t1")).isEmpty();
    }

    @Test
    void deleteOfAnUnknownTaskReturnsFalseAndChangesNothing() {
        store.put(task("t1", TaskState.Running, ""));
        store.savePositions("t1", List.of(position("ch1", "m1", 1)));

        assertThat(store.delete("t2")).isFalse();

        assertThat(store.list()).extracting(TaskRecord::taskId).containsExactly("t1");
        assertThat(store.positions("t1")).containsOnlyKeys("ch1");
    }

    @Test
    void savePositionsReplacesTheGivenChannelsAndKeepsTheOthers() {
        store.put(task("t1", TaskState.Running, ""));
        store.savePositions("t1", List.of(position("ch1", "a", 10), position("ch2", "b", 20)));

        store.savePositions("t1", List.of(position("ch2", "c", 30), position("ch3", "d", 40)));

        assertThat(store.positions("t1")).isEqualTo(Map.of(
                "ch1", position("ch1", "a", 10),
                "ch2", position("ch2", "c", 30),
                "ch3", position("ch3", "d", 40)));
    }

    @Test
    void theLastPositionOfAChannelInOneCallWins() {
        store.put(task("t1", TaskState.Running, ""));

        store.savePositions("t1", List.of(position("ch1", "old", 1), position("ch1", "new", 2)));

        assertThat(store.positions("t1")).isEqualTo(Map.of("ch1", position("ch1", "new", 2)));
    }

    @Test
    void savingNoPositionsChangesNothing() {
        store.put(task("t1", TaskState.Running, ""));
        store.savePositions("t1", List.of(position("ch1", "a", 1)));

        store.savePositions("t1", List.of());

        assertThat(store.positions("t1")).isEqualTo(Map.of("ch1", position("ch1", "a", 1)));
    }

    @Test
    void positionsAreKeptPerTaskEvenWhenOneIdIsAPrefixOfAnother() {
        store.put(task("t", TaskState.Running, ""));
        store.put(task("t2", TaskState.Running, ""));
        store.savePositions("t", List.of(position("ch1", "of-t", 1)));
        store.savePositions("t2", List.of(position("ch1", "of-t2", 2), position("ch2", "of-t2", 3)));

        assertThat(store.positions("t")).isEqualTo(Map.of("ch1", position("ch1", "of-t", 1)));

        store.delete("t");
        assertThat(store.positions("t2")).containsOnlyKeys("ch1", "ch2");
    }

    @Test
    void positionsOfATaskThatDoesNotExistAreNotSaved() {
        store.savePositions("ghost", List.of(position("ch1", "m1", 1)));

        assertThat(store.positions("ghost")).isEmpty();
        assertThat(store.get("ghost")).isEmpty();
    }

    @Test
    void positionsSavedAfterDeleteDoNotComeBackWithANewTaskOfTheSameId() {
        store.put(task("t1", TaskState.Running, ""));
        store.savePositions("t1", List.of(position("ch1", "before", 1)));
        store.delete("t1");

        store.savePositions("t1", List.of(position("ch1", "after-delete", 2)));
        store.put(task("t1", TaskState.Initial, ""));

        assertThat(store.positions("t1")).isEmpty();
    }

    @Test
    void catalogEntriesArePutReplacedAndRemovedInOneStep() {
        store.put(task("t1", TaskState.Running, ""));
        store.updateCatalog("t1", Map.of("db/c/p1", "11", "db/c/p2", "12"), List.of());

        store.updateCatalog("t1", Map.of("db/c/p2", "22", "db/c/p3", "13"), List.of("db/c/p1", "never/was"));

        assertThat(store.catalog("t1")).isEqualTo(Map.of("db/c/p2", "22", "db/c/p3", "13"));
    }

    @Test
    void catalogsAreKeptPerTaskAndGoWithTheTask() {
        store.put(task("t", TaskState.Running, ""));
        store.put(task("t2", TaskState.Running, ""));
        store.updateCatalog("t", Map.of("a/b/c", "1"), List.of());
        store.updateCatalog("t2", Map.of("a/b/c", "2", "x%y/z", "3"), List.of());

        assertThat(store.catalog("t")).isEqualTo(Map.of("a/b/c", "1"));
        store.delete("t");
        store.put(task("t", TaskState.Initial, ""));

        assertThat(store.catalog("t")).isEmpty();
        assertThat(store.catalog("t2")).isEqualTo(Map.of("a/b/c", "2", "x%y/z", "3"));
    }

    @Test
    void theCatalogOfATaskThatDoesNotExistIsNotSaved() {
        store.updateCatalog("ghost", Map.of("a", "1"), List.of());

        assertThat(store.catalog("ghost")).isEmpty();
    }

    @Test
    void idsChannelsAndReasonsWithSpecialCharactersRoundTrip() {
        List<String> ids = List.of("a", "A", "a ", "a/b", "a%2Fb", "a/", "任务-ünï-😀", "q'\"`;-- DROP TABLE x",
                "line\nbreak", "x".repeat(200));
        for (String id : ids) {
            store.put(task(id, TaskState.Paused, "why: " + id + " \t\"quoted\" ' 😀\n second line"));
            store.savePositions(id, List.of(position("ch/" + id, "msg-" + id, id.length())));
        }

        assertThat(store.list()).extracting(TaskRecord::taskId).containsExactlyElementsOf(ids);
        for (String id : ids) {
            assertThat(store.get(id).orElseThrow().reason())
                    .isEqualTo("why: " + id + " \t\"quoted\" ' 😀\n second line");
            assertThat(store.positions(id)).isEqualTo(Map.of("ch/" + id, position("ch/" + id, "msg-" + id, id.length())));
        }

        assertThat(store.delete("a")).isTrue();
        assertThat(store.positions("a/b")).hasSize(1);
        assertThat(store.get("a/b")).isPresent();
        assertThat(store.get("A")).isPresent();
    }

    @Test
    void concurrentSavesOfOneTaskLeaveOneCallsPositionsOnEveryChannel() throws Exception {
        int threads = 4;
        int rounds = 40;
        List<String> channels = List.of("ch0", "ch1", "ch2", "ch3", "ch4");
        store.put(task("t1", TaskState.Running, ""));
        store.put(task("t2", TaskState.Running, ""));

        runConcurrently(threads, thread -> {
            for (int round = 0; round < rounds; round++) {
                String message = "thread" + thread + "-round" + round;
                store.savePositions("t1", channels.stream().map(c -> position(c, message, thread)).toList());
            }
            store.savePositions("t2", List.of(position("own-" + thread, "x", thread)));
        });

        Map<String, ChannelPosition> saved = store.positions("t1");
        assertThat(saved).containsOnlyKeys(channels);
        Set<String> messages = saved.values().stream().map(ChannelPosition::messageId).collect(Collectors.toSet());
        assertThat(messages).hasSize(1);
        String winner = messages.iterator().next();
        assertThat(winner).matches("thread\\d-round" + (rounds - 1));
        assertThat(store.positions("t2")).hasSize(threads);
    }

    @Test
    void aDeleteRacingWithSavesLeavesNoPositionsBehind() throws Exception {
        for (int attempt = 0; attempt < 5; attempt++) {
            String id = "race-" + attempt;
            store.put(task(id, TaskState.Running, ""));
            CountDownLatch saving = new CountDownLatch(1);
            runConcurrently(2, thread -> {
                if (thread == 0) {
                    for (int round = 0; round < 30; round++) {
                        store.savePositions(id, List.of(position("ch1", "r" + round, round), position("ch2", "r" + round, round)));
                        saving.countDown();
                    }
                } else {
                    saving.await(10, TimeUnit.SECONDS);
                    assertThat(store.delete(id)).isTrue();
                }
            });

            assertThat(store.get(id)).isEmpty();
            assertThat(store.positions(id)).isEmpty();
        }
    }

    @Test
    void tasksAndPositionsSurviveCloseAndReopen() {
        assumeTrue(durable(), "this store keeps nothing across instances");
        TaskRecord first = new TaskRecord("t1", fullSpec(), TaskState.Running, "");
        TaskRecord second = task("t2", TaskState.Paused, "manually pause through http interface");
        store.put(first);
        store.put(second);
        store.savePositions("t1", List.of(position("ch1", "AQAAAAAAAAA=", 446_312_345_678_901_249L)));

        reopen();

        assertThat(store.list()).containsExactly(first, second);
        assertThat(store.positions("t1")).isEqualTo(
                Map.of("ch1", position("ch1", "AQAAAAAAAAA=", 446_312_345_678_901_249L)));
    }

    @Test
    void storesWithDifferentRootPathsDoNotSeeEachOther() {
        assumeTrue(durable(), "this store has no shared backing database");
        TaskStore other = track(open(rootPath + "-other"));
        store.put(task("same-id", TaskState.Running, "mine"));
        store.savePositions("same-id", List.of(position("ch1", "mine", 1)));
        other.put(task("same-id", TaskState.Paused, "theirs"));
        other.put(task("only-theirs", TaskState.Paused, ""));

        assertThat(store.list()).extracting(TaskRecord::reason).containsExactly("mine");
        assertThat(other.positions("same-id")).isEmpty();

        assertThat(other.delete("same-id")).isTrue();
        assertThat(store.get("same-id")).isPresent();
        assertThat(store.positions("same-id")).hasSize(1);
    }

    // Holds of servers sharing the store (TaskLeases) and fenced writes.

    private static final Duration LEASE = Duration.ofSeconds(2);
    private final List<TaskLeases> servers = new ArrayList<>();

    private TaskLeases server(String name) {
        TaskLeases leases = store.leases(name, LEASE);
        servers.add(leases);
        return leases;
    }

    @AfterEach
    void closeServers() {
        servers.forEach(TaskLeases::close);
    }

    @Test
    void aHeldTaskIsRefusedToOtherServersAndItsHolderGetsItsOwnHoldAgain() {
        store.put(task("h1", TaskState.Running, ""));
        TaskLeases a = server("a");
        TaskLeases b = server("b");

        Fence hold = a.acquire("h1").orElseThrow();

        assertThat(hold.holder()).isEqualTo("a");
        assertThat(b.acquire("h1")).isEmpty();
        assertThat(a.acquire("h1")).contains(hold);
        assertThat(a.renew()).containsExactly(Map.entry("h1", hold));
        assertThat(b.renew()).isEmpty();
        assertThat(b.holders()).containsExactly(Map.entry("h1", "a"));
        assertThat(b.servers()).contains("a", "b");
    }

    @Test
    void aHoldGivenUpPassesOnWithALargerToken() {
        store.put(task("h1", TaskState.Running, ""));
        TaskLeases a = server("a");
        TaskLeases b = server("b");
        Fence first = a.acquire("h1").orElseThrow();

        a.release(first);
        Fence second = b.acquire("h1").orElseThrow();

        assertThat(second.holder()).isEqualTo("b");
        assertThat(second.token()).isGreaterThan(first.token());
        assertThat(a.renew()).isEmpty();
    }

    @Test
    void renewalsKeepAHoldPastTheLeaseTime() throws Exception {
        store.put(task("h1", TaskState.Running, ""));
        TaskLeases a = server("a");
        TaskLeases b = server("b");
        Fence hold = a.acquire("h1").orElseThrow();

        for (int i = 0; i < 6; i++) {
            Thread.sleep(LEASE.toMillis() / 2);
            assertThat(a.renew()).containsKey("h1");
        }

        assertThat(b.acquire("h1")).isEmpty();
        assertThat(a.renew()).containsExactly(Map.entry("h1", hold));
    }

    @Test
    void aHoldNotRenewedExpiresAndTheOldHoldersFencedWritesAreRefused() {
        store.put(task("h1", TaskState.Running, ""));
        TaskLeases a = server("a");
        TaskLeases b = server("b");
        Fence old = a.acquire("h1").orElseThrow();
        TaskStore oldWriter = store.fencedBy(old);
        oldWriter.savePositions("h1", List.of(position("dml_0", "1", 10)));

        Fence taken = await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> { b.renew(); return b.acquire("h1"); }, Optional::isPresent).orElseThrow();

        assertThat(taken.token()).isGreaterThan(old.token());
        assertThatThrownBy(() -> oldWriter.savePositions("h1", List.of(position("dml_0", "2", 20))))
                .isInstanceOf(LeaseLostException.class).hasMessageContaining("h1");
        assertThatThrownBy(() -> oldWriter.updateCatalog("h1", Map.of("k", "v"), List.of()))
                .isInstanceOf(LeaseLostException.class);
        assertThat(store.positions("h1").get("dml_0").messageId()).isEqualTo("1");
        assertThat(store.catalog("h1")).isEmpty();
        assertThat(a.renew()).as("the old holder learns it lost the hold").isEmpty();

        store.fencedBy(taken).savePositions("h1", List.of(position("dml_0", "3", 30)));
        assertThat(store.positions("h1").get("dml_0").messageId()).isEqualTo("3");
        assertThat(a.acquire("h1")).isEmpty();
    }

    @Test
    void aServerThatStopsRenewingLeavesTheServersList() {
        TaskLeases a = server("a");
        TaskLeases b = server("b");
        assertThat(b.servers()).contains("a", "b");

        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(200))
                .until(() -> { b.renew(); return !b.servers().contains("a"); });

        assertThat(b.servers()).contains("b");
        assertThat(a.renew()).isEmpty();
        assertThat(b.servers()).as("a renewed: present again").contains("a", "b");
    }

    @Test
    void aFencedWriteLeavesOtherTasksAloneAndDoesNothingForADeletedTask() {
        store.put(task("h1", TaskState.Running, ""));
        store.put(task("h2", TaskState.Running, ""));
        TaskLeases a = server("a");
        Fence hold = a.acquire("h1").orElseThrow();
        TaskStore writer = store.fencedBy(hold);

        writer.savePositions("h2", List.of(position("dml_0", "5", 50)));
        assertThat(store.positions("h2")).containsKey("dml_0");

        store.delete("h1");
        writer.savePositions("h1", List.of(position("dml_0", "6", 60)));

        assertThat(store.positions("h1")).isEmpty();
        assertThat(a.renew()).as("the delete removed the hold").isEmpty();
        assertThat(a.holders()).doesNotContainKey("h1");
    }

    @Test
    void aServerRestartedUnderItsNameTakesItsHoldsOverAtOnceAndFencesOutItsEarlierRun() {
        store.put(task("h1", TaskState.Running, ""));
        TaskLeases earlier = server("a");
        Fence old = earlier.acquire("h1").orElseThrow();
        TaskLeases restarted = server("a");

        Fence taken = restarted.acquire("h1").orElseThrow();

        assertThat(taken.token()).isNotEqualTo(old.token());
        assertThat(server("b").acquire("h1")).isEmpty();
        assertThatThrownBy(() -> store.fencedBy(old).savePositions("h1", List.of(position("dml_0", "1", 1))))
                .isInstanceOf(LeaseLostException.class);
        store.fencedBy(taken).savePositions("h1", List.of(position("dml_0", "2", 2)));
        assertThat(store.positions("h1").get("dml_0").messageId()).isEqualTo("2");
        assertThat(earlier.renew()).isEmpty();
        assertThat(restarted.renew()).containsExactly(Map.entry("h1", taken));
    }

    @Test
    void closingGivesEveryHoldUpAtOnce() {
        store.put(task("h1", TaskState.Running, ""));
        TaskLeases a = store.leases("a", LEASE);
        TaskLeases b = server("b");
        a.acquire("h1").orElseThrow();

        a.close();

        assertThat(b.acquire("h1")).isPresent();
        assertThat(b.servers()).doesNotContain("a");
    }

    @Test
    void serversTakingOneTaskAtOnceGiveItExactlyOneHolder() throws Exception {
        store.put(task("h1", TaskState.Running, ""));
        List<TaskLeases> racing = List.of(server("s0"), server("s1"), server("s2"), server("s3"));
        List<Fence> taken = new CopyOnWriteArrayList<>();

        runConcurrently(4, thread -> racing.get(thread).acquire("h1").ifPresent(taken::add));

        assertThat(taken).hasSize(1);
        assertThat(server("observer").holders()).containsExactly(Map.entry("h1", taken.get(0).holder()));
    }
}
