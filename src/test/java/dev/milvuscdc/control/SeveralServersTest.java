package dev.milvuscdc.control;

import static dev.milvuscdc.task.TaskSpecFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.server.FakeRunners;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.InMemoryTaskStore;
import dev.milvuscdc.store.TaskLeases;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.FaultKind;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two servers on one store, each with its own runners, stepped round by round on a clock the test moves:
 * every task runs on exactly one of them, and moves when its server stops renewing.
 */
class SeveralServersTest {

    private static final Duration LEASE = Duration.ofSeconds(10);

    private final AtomicLong clock = new AtomicLong();
    private final InMemoryTaskStore store = new InMemoryTaskStore(clock::get);
    private final FakeRunners runnersA = new FakeRunners();
    private final FakeRunners runnersB = new FakeRunners();
    private final CdcMetrics metricsA = new CdcMetrics();
    private final CdcMetrics metricsB = new CdcMetrics();
    private final TaskManager serverA = server("a", runnersA, metricsA);
    private final TaskManager serverB = server("b", runnersB, metricsB);

    private TaskManager server(String name, FakeRunners runners, CdcMetrics metrics) {
        return new TaskManager(store, store.leases(name, LEASE), runners, param -> { }, Optional::empty,
                new TaskLimits(100, 256, "by-dev-replicate-msg", true), metrics);
    }

    @AfterEach
    void close() {
        serverA.close();
        serverB.close();
        assertThat(runnersA.violations()).isEmpty();
        assertThat(runnersB.violations()).isEmpty();
    }

    @Test
    void tasksCreatedOnOneServerAreSpreadAndEachRunsOnExactlyOne() throws Exception {
        List<String> ids = createFour(serverA);

        rounds(1, serverA, serverB);

        for (String id : ids) {
            assertThat(runnersA.active(id) + runnersB.active(id)).as("task %s runs exactly once", id).isEqualTo(1);
        }
        assertThat(ids.stream().filter(id -> runnersA.active(id) == 1)).hasSize(2);
        assertThat(serverB.holders()).containsValues("a", "b");
        for (String id : ids) {
            assertThat(holdSeries(metricsA, id) + holdSeries(metricsB, id)).as("hold series of task %s", id).isEqualTo(1);
            assertThat(holdSeries(metricsA, id)).isEqualTo(runnersA.active(id));
        }
    }

    /**
     * Four tasks created at once on three servers (found by SeveralServersIT): the creator takes two, and the
     * two left free must go one to each other server, not both to whichever rounds first.
     */
    @Test
    void tasksCreatedAtOnceOnThreeServersReachEveryServer() throws Exception {
        try (ThirdServer c = new ThirdServer()) {
            c.server.followHoldsOnce();
            List<String> ids = createFour(serverA);

            rounds(1, serverB, c.server);

            assertThat(serverA.holders()).hasSize(4).containsValues("a", "b", "c");
            for (String id : ids) {
                assertThat(runnersA.active(id) + runnersB.active(id) + c.runners.active(id)).isEqualTo(1);
            }
        }
    }

    /** A server that holds more than another live one takes a task that stayed free for a round. */
    @Test
    void aTaskNoOtherServerTakesIsTakenARoundLater() throws Exception {
        try (ThirdServer c = new ThirdServer()) {
            c.server.followHoldsOnce();
            createFour(serverA);

            rounds(1, serverB);
            assertThat(serverA.holders()).as("b takes one; c, which holds none, may take the other").hasSize(3);

            rounds(1, serverB);
            assertThat(serverA.holders()).hasSize(4).doesNotContainValue("c");
        }
    }

    /** A third server on the same store, alive once it has renewed. */
    private final class ThirdServer implements AutoCloseable {
        final FakeRunners runners = new FakeRunners();
        final TaskManager server = server("c", runners, new CdcMetrics());

        @Override
        public void close() {
            server.close();
            assertThat(runners.violations()).isEmpty();
        }
    }

    @Test
    void theTasksOfAServerThatStopsRenewingMoveAfterTheLeaseAndItStopsThemWhenItWakes() throws Exception {
        List<String> ids = createFour(serverA);
        rounds(1, serverA, serverB);
        List<String> onA = ids.stream().filter(id -> runnersA.active(id) == 1).toList();

        for (int second = 1; second <= 9; second++) {
            clock.addAndGet(Duration.ofSeconds(1).toNanos());
            serverB.followHoldsOnce();
        }
        assertThat(onA).allSatisfy(id -> assertThat(runnersB.active(id)).as("not before the lease ends").isZero());

        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        serverB.followHoldsOnce();

        assertThat(ids).allSatisfy(id -> assertThat(runnersB.active(id)).isEqualTo(1));
        assertThat(store.list()).allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.Running));

        serverA.followHoldsOnce();

        assertThat(ids).allSatisfy(id -> assertThat(runnersA.active(id)).as("the woken server stopped").isZero());
        assertThat(ids).allSatisfy(id -> assertThat(holdSeries(metricsA, id)).isZero());
        assertThat(ids).allSatisfy(id -> assertThat(holdSeries(metricsB, id)).isEqualTo(1));
        assertThat(store.list()).as("and changed no stored state").allSatisfy(t -> assertThat(t.state()).isEqualTo(TaskState.Running));
    }

    @Test
    void aPauseResumeAndDeleteAnsweredByAnotherServerReachTheHoldersRunner() throws Exception {
        String id = serverA.create(spec("http://a:1", "c"));
        rounds(1, serverA, serverB);
        assertThat(runnersA.active(id)).isEqualTo(1);

        serverB.pause(id);
        serverA.followHoldsOnce();
        assertThat(runnersA.active(id)).isZero();
        assertThat(store.get(id).orElseThrow().state()).isEqualTo(TaskState.Paused);

        serverB.resume(id);
        serverA.followHoldsOnce();
        assertThat(runnersA.active(id)).isEqualTo(1);
        assertThat(runnersB.active(id)).isZero();

        serverB.delete(id, false);
        serverA.followHoldsOnce();
        assertThat(runnersA.active(id)).isZero();
        assertThat(serverA.holders()).doesNotContainKey(id);
    }

    @Test
    void aRetryReportOfARunnerWhoseHoldEndedChangesNoStoredReason() throws Exception {
        String id = serverA.create(spec("http://a:1", "c"));
        rounds(1, serverA, serverB);
        assertThat(runnersA.active(id)).isEqualTo(1);
        clock.addAndGet(LEASE.plusSeconds(1).toNanos());
        serverB.followHoldsOnce();
        assertThat(runnersB.active(id)).isEqualTo(1);

        runnersA.last(id).listener.retrying(FaultKind.TARGET, "the target is down, says the runner that woke up late");

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> store.get(id).orElseThrow().reason().isEmpty());
    }

    @Test
    void aServerThatJoinsRunsATaskLeftFreeAtItsCreationThoughItsAutoStartIsDisabled() throws Exception {
        rounds(1, serverA, serverB);
        serverA.create(spec("http://a:1", "c0"));
        String left = serverA.create(new TaskSpec(spec("http://a:1", "c1").milvusConnectParam(), null,
                List.of(new TaskSpec.CollectionInfo("c1", null, false)), null, null, null, null, null, true, null));
        assertThat(runnersA.active(left)).as("a holds its share already").isZero();
        assertThat(store.positions(left)).as("where it starts is fixed at its creation").containsKey(FakeRunners.START.channel());
        try (ThirdServer c = new ThirdServer()) {
            c.server.followHoldsOnce();

            assertThat(c.runners.active(left)).isEqualTo(1);
            assertThat(store.get(left).orElseThrow().state()).isEqualTo(TaskState.Running);
        }
    }

    /**
     * A round's renewal answers with the holds that stood when the store answered: a task created here
     * meanwhile, under a hold taken since, keeps its runner (seen on the rig: the runner was stopped for
     * "its hold on the task ended" and started again in the next round).
     */
    @Test
    void aTaskCreatedWhileARoundRenewsKeepsItsRunner() throws Exception {
        FakeRunners runnersC = new FakeRunners();
        AtomicReference<TaskManager> serverC = new AtomicReference<>();
        AtomicReference<String> created = new AtomicReference<>();
        TaskLeases leases = new CreateAfterFirstRenewal(store.leases("c", LEASE),
                () -> created.set(serverC.get().create(spec("http://a:1", "c9"))));
        serverC.set(new TaskManager(store, leases, runnersC, param -> { }, Optional::empty,
                new TaskLimits(100, 256, "by-dev-replicate-msg", true), new CdcMetrics()));
        try {
            serverC.get().followHoldsOnce();
            serverC.get().followHoldsOnce();

            assertThat(runnersC.active(created.get())).isEqualTo(1);
            assertThat(runnersC.created()).as("its runner was never stopped and started again").hasSize(1);
        } finally {
            serverC.get().close();
        }
    }

    /** Leases that run {@code afterFirst} once, right after the store answered the first renewal. */
    private static final class CreateAfterFirstRenewal extends ForwardingLeases {
        private final Runnable afterFirst;
        private final AtomicBoolean done = new AtomicBoolean();

        CreateAfterFirstRenewal(TaskLeases leases, Runnable afterFirst) {
            super(leases);
            this.afterFirst = afterFirst;
        }

        @Override
        public Map<String, Fence> renew() {
            Map<String, Fence> held = super.renew();
            if (done.compareAndSet(false, true)) {
                afterFirst.run();
            }
            return held;
        }
    }

    /**
     * A create on server c stops just before it takes its task's hold, and c's round runs meanwhile (found by
     * SeveralServersIT: c logged "takes task" twice with one token). The round leaves the task to its
     * create, so the store answers exactly one take of it.
     */
    @Test
    void aRoundLeavesATaskToTheCreateThatIsTakingIt() throws Exception {
        CountDownLatch createTaking = new CountDownLatch(1);
        CountDownLatch roundDone = new CountDownLatch(1);
        List<Fence> answered = new CopyOnWriteArrayList<>();
        TaskLeases leases = new ForwardingLeases(store.leases("c", LEASE)) {
            @Override
            public Optional<Fence> acquire(String taskId) {
                if (Thread.currentThread().getName().equals("creating")) {
                    createTaking.countDown();
                    awaitQuietly(roundDone);
                }
                Optional<Fence> taken = super.acquire(taskId);
                taken.ifPresent(answered::add);
                return taken;
            }
        };
        FakeRunners runnersC = new FakeRunners();
        TaskManager serverC = new TaskManager(store, leases, runnersC, param -> { }, Optional::empty,
                new TaskLimits(100, 256, "by-dev-replicate-msg", true), new CdcMetrics());
        try {
            AtomicReference<String> created = new AtomicReference<>();
            Thread creating = new Thread(() -> created.set(serverC.create(spec("http://a:1", "c9"))), "creating");
            creating.start();
            assertThat(createTaking.await(10, TimeUnit.SECONDS)).isTrue();

            serverC.followHoldsOnce();
            roundDone.countDown();
            creating.join(10_000);

            assertThat(answered).as("holds the store answered to server c").hasSize(1);
            assertThat(runnersC.active(created.get())).isEqualTo(1);
            assertThat(runnersC.created()).hasSize(1);
        } finally {
            roundDone.countDown();
            serverC.close();
        }
    }

    /** The store fails after a round renewed (while it lists the servers): the rounds go on and renew again. */
    @Test
    void theRoundsGoOnAfterTheStoreFailsWithinOne() throws Exception {
        AtomicInteger renewals = new AtomicInteger();
        AtomicBoolean failed = new AtomicBoolean();
        TaskLeases leases = new ForwardingLeases(store.leases("c", LEASE)) {
            @Override
            public Map<String, Fence> renew() {
                renewals.incrementAndGet();
                return super.renew();
            }

            @Override
            public Set<String> servers() {
                if (failed.compareAndSet(false, true)) {
                    throw new StoreException("fail to list the servers: the store did not answer", null);
                }
                return super.servers();
            }
        };
        TaskManager serverC = new TaskManager(store, leases, new FakeRunners(), param -> { }, Optional::empty,
                new TaskLimits(100, 256, "by-dev-replicate-msg", true), new CdcMetrics());
        try {
            serverC.startStoredTasks();

            await().atMost(Duration.ofSeconds(10)).until(() -> failed.get() && renewals.get() >= 3);
        } finally {
            serverC.close();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * On a store only this server can open no other server takes, frees or changes a task: the rounds run every
     * quarter of the lease, and never less often than a store several servers share would have them.
     */
    @Test
    void onAStoreOnlyThisServerCanOpenTheRoundsRunEveryQuarterOfTheLease() {
        assertThat(roundsOver(store.leases("c", Duration.ofSeconds(10)), false).period()).isEqualTo(TaskHolds.PERIOD);
        assertThat(roundsOver(store.leases("d", Duration.ofSeconds(10)), true).period()).isEqualTo(Duration.ofMillis(2500));
        assertThat(roundsOver(store.leases("e", Duration.ofSeconds(1)), true).period()).isEqualTo(TaskHolds.PERIOD);
    }

    private static TaskHolds roundsOver(TaskLeases leases, boolean exclusive) {
        TaskLeases said = new ForwardingLeases(leases) {
            @Override
            public boolean exclusive() {
                return exclusive;
            }
        };
        return new TaskHolds(said, null, null, null, null, null, null);
    }

    /** Leases that pass every call on; tests override the calls they watch or fail. */
    private static class ForwardingLeases implements TaskLeases {
        private final TaskLeases leases;

        ForwardingLeases(TaskLeases leases) {
            this.leases = leases;
        }

        @Override
        public Map<String, Fence> renew() {
            return leases.renew();
        }

        @Override
        public String server() {
            return leases.server();
        }

        @Override
        public Duration leaseTime() {
            return leases.leaseTime();
        }

        @Override
        public boolean exclusive() {
            return leases.exclusive();
        }

        @Override
        public Optional<Fence> acquire(String taskId) {
            return leases.acquire(taskId);
        }

        @Override
        public void release(Fence hold) {
            leases.release(hold);
        }

        @Override
        public Map<String, String> holders() {
            return leases.holders();
        }

        @Override
        public Set<String> servers() {
            return leases.servers();
        }

        @Override
        public void close() {
            leases.close();
        }
    }

    @Test
    void aServerThatStopsGivesItsTasksUpAtOnce() throws Exception {
        List<String> ids = createFour(serverA);
        rounds(1, serverA, serverB);

        serverA.close();
        serverB.followHoldsOnce();

        assertThat(ids).allSatisfy(id -> assertThat(runnersB.active(id)).isEqualTo(1));
        assertThat(ids).allSatisfy(id -> assertThat(runnersA.active(id)).isZero());
    }

    /** How many {@code milvus_cdc_task_hold} series of the task the server's scrape has, with a token above 0. */
    private static long holdSeries(CdcMetrics metrics, String taskId) {
        return metrics.scrape().lines().filter(line -> line.startsWith("milvus_cdc_task_hold{task_id=\"" + taskId + "\"}"))
                .filter(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)) > 0).count();
    }

    private List<String> createFour(TaskManager server) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(server.create(spec("http://a:1", "c" + i)));
        }
        return ids;
    }

    private static void rounds(int count, TaskManager... servers) throws InterruptedException {
        for (int i = 0; i < count; i++) {
            for (TaskManager server : servers) {
                server.followHoldsOnce();
            }
        }
    }
}
