package dev.milvuscdc.control;

import static dev.milvuscdc.task.TaskSpecFixtures.dbSpec;
import static dev.milvuscdc.task.TaskSpecFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.server.FakeRunners;
import dev.milvuscdc.store.InMemoryTaskStore;
import dev.milvuscdc.task.FaultKind;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskState;
import dev.milvuscdc.task.TaskStatusListener;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The control plane's state machine and its create rules, with fake runners and target. */
class TaskManagerTest {

    private final InMemoryTaskStore store = new InMemoryTaskStore();
    private final FakeRunners runners = new FakeRunners();
    private final AtomicReference<String> targetDown = new AtomicReference<>();
    private final AtomicReference<String> sourceDown = new AtomicReference<>();
    private final TargetProbe target = param -> {
        if (targetDown.get() != null) {
            throw new TargetProbe.TargetUnreachableException(targetDown.get());
        }
    };
    private final CdcMetrics metrics = new CdcMetrics();
    private TaskManager manager = managerWithLimit(100);

    private TaskManager managerWithLimit(int maxTaskNum) {
        return new TaskManager(store, store.leases("server-a", Duration.ofSeconds(10)), runners, target, () -> Optional.ofNullable(sourceDown.get()),
                new TaskLimits(maxTaskNum, 256, "by-dev-replicate-msg", true), metrics);
    }

    private boolean counted(String counter, String id, String kind, int times) {
        return metrics.scrape().contains("milvus_cdc_task_" + counter + "_total{kind=\"" + kind + "\",task_id=\"" + id + "\"} "
                + times + ".0");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private TaskState state(String id) {
        return store.get(id).orElseThrow().state();
    }

    @Test
    void pauseOfAnInitialTaskFailsAsAStateUpdateFailure() {
        store.put(new TaskRecord("t1", spec("http://a:1", "c"), TaskState.Initial, ""));

        assertThatThrownBy(() -> manager.pause("t1"))
                .isInstanceOf(TaskRequestException.class)
                .hasMessageStartingWith("fail to update the task state, task_id: t1: ")
                .matches(e -> !((TaskRequestException) e).isClientError());
    }

    @Test
    void pauseOfAPausedTaskIsAClientError() {
        String id = manager.create(spec("http://a:1", "c"));
        manager.pause(id);

        assertThatThrownBy(() -> manager.pause(id))
                .hasMessage("the task has paused, task_id: " + id)
                .matches(e -> ((TaskRequestException) e).isClientError());
        assertThat(counted("pauses", id, "manual", 1)).as("the refused pause is not counted").isTrue();
    }

    @Test
    void resumeStartsAFreshRunnerAndClearsTheReason() {
        String id = manager.create(spec("http://a:1", "c"));
        manager.pause(id);

        manager.resume(id);

        assertThat(store.get(id).orElseThrow().reason()).isEmpty();
        assertThat(state(id)).isEqualTo(TaskState.Running);
        assertThat(runners.created()).hasSize(2);
        assertThat(runners.active(id)).isEqualTo(1);
    }

    @Test
    void aFailingStartOnCreateLeavesNoTask() {
        runners.failStartWith("no channel");

        assertThatThrownBy(() -> manager.create(spec("http://a:1", "c")))
                .hasMessageMatching("fail to start the task, task_id: [0-9a-f]{32}: no channel");
        assertThat(store.list()).isEmpty();
    }

    /**
     * Another server, or this one's next round, may start the task after create answers: it must find
     * where the task starts reading in the store, fixed before the answer, or it fixes later positions
     * of its own and misses what the source logged in between (seen on the rig as a lost index request).
     */
    @Test
    void createStoresWhereTheTaskStartsBeforeItAnswers() {
        String id = manager.create(spec("http://a:1", "c"));

        assertThat(store.positions(id)).containsExactly(Map.entry(FakeRunners.START.channel(), FakeRunners.START));
    }

    @Test
    void aCreateWhoseStartCannotBeFoundAnswersWhyAndLeavesNoTask() {
        runners.failStartPositionsWith("kafka did not answer");

        assertThatThrownBy(() -> manager.create(spec("http://a:1", "c")))
                .hasMessageMatching("fail to start the task, task_id: [0-9a-f]{32}: kafka did not answer");
        assertThat(store.list()).isEmpty();
        assertThat(runners.created()).isEmpty();
    }

    @Test
    void aCreateOfATaskThatExistsAnswersItsIdWithoutAskingWhereItStarts() {
        TaskSpec given = spec("http://a:1", "c").withTaskId("0123456789abcdef0123456789abcdef");
        manager.create(given);
        runners.failStartPositionsWith("kafka did not answer");

        assertThat(manager.create(given)).isEqualTo("0123456789abcdef0123456789abcdef");
        assertThat(runners.created()).hasSize(1);
    }

    @Test
    void aReplicateTaskForATargetInTheNormalModeIsRefusedAndLeavesNoTask() {
        TargetProbe normalTarget = new TargetProbe() {
            @Override
            public void check(TaskSpec.MilvusConnectParam param) {
            }

            @Override
            public boolean replicateMode(TaskSpec.MilvusConnectParam param) {
                return false;
            }
        };
        manager = new TaskManager(store, store.leases("server-a", Duration.ofSeconds(10)), runners, normalTarget, Optional::empty,
                new TaskLimits(100, 256, "by-dev-replicate-msg", true), metrics);
        TaskSpec base = spec("http://a:1", "c");
        TaskSpec replicate = new TaskSpec(base.milvusConnectParam(), null, base.collectionInfos(), null, null, null, null,
                null, false, null, null, TaskSpec.WRITE_MODE_REPLICATE);

        assertThatThrownBy(() -> manager.create(replicate)).isInstanceOf(TaskRequestException.class)
                .hasMessage("write_mode \"replicate\" needs a target Milvus in replicate mode, and this one refuses "
                        + "ReplicateMessage (code 1900): start it with common.ttMsgEnabled=false in milvus.yaml, or leave "
                        + "write_mode out to write through its ordinary API");
        assertThat(store.list()).isEmpty();
        assertThat(manager.create(base)).isNotEmpty();
    }

    @Test
    void aFailingStartOnResumeKeepsTheTaskPausedWithTheReason() {
        String id = manager.create(spec("http://a:1", "c"));
        manager.pause(id);
        runners.failStartWith("no channel");

        assertThatThrownBy(() -> manager.resume(id)).hasMessage("fail to start the task, task_id: " + id + ": no channel");
        assertThat(store.get(id).orElseThrow().state()).isEqualTo(TaskState.Paused);
        assertThat(store.get(id).orElseThrow().reason()).isEqualTo("fail to start task, err: no channel");
    }

    @Test
    void reportsOfAReplacedRunnerAreIgnored() {
        String id = manager.create(spec("http://a:1", "c"));
        TaskStatusListener old = runners.last(id).listener;
        manager.pause(id);
        manager.resume(id);

        old.failed(FaultKind.TARGET, "stale failure");
        runners.last(id).listener.retrying(FaultKind.TARGET, "fresh retry");

        await().until(() -> store.get(id).orElseThrow().reason().equals("fresh retry"));
        assertThat(state(id)).isEqualTo(TaskState.Running);
    }

    @Test
    void aFailureReportStopsTheRunnerAndPausesTheTaskWithItsReason() {
        String id = manager.create(spec("http://a:1", "c"));

        runners.last(id).listener.failed(FaultKind.TARGET, "target collection c has another schema; drop it on the target");

        await().until(() -> state(id) == TaskState.Paused);
        assertThat(store.get(id).orElseThrow().reason()).isEqualTo("target collection c has another schema; drop it on the target");
        assertThat(counted("pauses", id, "target", 1)).as(metrics.scrape()).isTrue();
        assertThat(counted("pauses", id, "kafka", 0)).as("every kind from 0").isTrue();
        assertThat(runners.active(id)).isZero();
        assertThat(runners.last(id).stopped).isTrue();
    }

    @Test
    void aRestartReportReplacesTheRunnerAndTheTaskStaysRunning() {
        String id = manager.create(spec("http://a:1", "c"));
        var first = runners.last(id);
        first.listener.retrying(FaultKind.TARGET, "target unreachable");
        await().until(() -> store.get(id).orElseThrow().reason().equals("target unreachable"));

        first.listener.restart(FaultKind.TARGET, "the target Milvus answers again");

        await().until(() -> runners.last(id) != first);
        assertThat(counted("retries", id, "target", 1)).as(metrics.scrape()).isTrue();
        assertThat(counted("restarts", id, "target", 1)).isTrue();
        assertThat(first.stopped).isTrue();
        assertThat(runners.active(id)).isEqualTo(1);
        assertThat(state(id)).isEqualTo(TaskState.Running);
        assertThat(store.get(id).orElseThrow().reason()).isEmpty();
    }

    @Test
    void recoveredClearsARetryReason() {
        String id = manager.create(spec("http://a:1", "c"));
        runners.last(id).listener.retrying(FaultKind.TARGET, "target busy");
        await().until(() -> store.get(id).orElseThrow().reason().equals("target busy"));

        runners.last(id).listener.recovered();

        await().until(() -> store.get(id).orElseThrow().reason().isEmpty());
        assertThat(state(id)).isEqualTo(TaskState.Running);
    }

    @Test
    void theTaskLimitCountsTasksOfEveryState() {
        manager = managerWithLimit(2);
        String first = manager.create(spec("http://a:1", "c1"));
        manager.pause(first);
        manager.create(spec("http://a:1", "c2"));

        assertThatThrownBy(() -> manager.create(spec("http://a:1", "c3")))
                .hasMessage("the task num has reach the limit, 2")
                .matches(e -> !((TaskRequestException) e).isClientError());
    }

    @Test
    void tasksOnDifferentTargetsMayShareCollections() {
        manager.create(spec("http://a:1", "*"));

        assertThat(manager.create(spec("http://b:1", "*"))).hasSize(32);
    }

    @Test
    void anyIntersectionWithATaskOnTheSameTargetIsRefused() {
        manager.create(dbSpec("http://a:1", "*", "orders"));

        assertThatThrownBy(() -> manager.create(dbSpec("http://A:1/", "shop", "*")))
                .hasMessage("the collection name is duplicate with existing task, [shop.*]");
        assertThat(manager.create(dbSpec("http://a:1", "shop", "users"))).hasSize(32);
    }

    @Test
    void replicatingUsersAndRolesIsRefusedAndStoresNothing() {
        TaskSpec base = spec("http://a:1", "c1");
        TaskSpec withRoles = new TaskSpec(base.milvusConnectParam(), null, base.collectionInfos(), null, null,
                new TaskSpec.ExtraInfo(true), null, null, false, null);

        assertThatThrownBy(() -> manager.create(withRoles)).hasMessageStartingWith(
                "extra_info.enable_user_role is not supported: users, roles and grants are not replicated");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void anUnreachableTargetOrSourceFailsCreateAndStoresNothing() {
        targetDown.set("cannot reach a:1 within 1 s");
        assertThatThrownBy(() -> manager.create(spec("http://a:1", "c")))
                .hasMessage("fail to connect the milvus: cannot reach a:1 within 1 s");

        targetDown.set(null);
        sourceDown.set("kafka DOWN: no answer");
        assertThatThrownBy(() -> manager.create(spec("http://a:1", "c")))
                .hasMessage("the source Milvus cannot be reached, check sourceConfig: kafka DOWN: no answer");
        assertThat(store.list()).isEmpty();
    }

    @Test
    void aSourceCheckThatHangsFailsCreateAtTheConnectTimeout() {
        CountDownLatch sourceAnswers = new CountDownLatch(1);
        TaskManager hanging = new TaskManager(store, store.leases("server-a", Duration.ofSeconds(10)), runners, target, () -> {
            try {
                sourceAnswers.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Optional.empty();
        }, new TaskLimits(100, 256, "by-dev-replicate-msg", true), new CdcMetrics());
        try {
            long started = System.nanoTime();

            assertThatThrownBy(() -> hanging.create(spec("http://a:1", "c")))
                    .hasMessage("the source Milvus cannot be reached, check sourceConfig: "
                            + "no answer from etcd and kafka within the connect_timeout (1 s)");

            assertThat(Duration.ofNanos(System.nanoTime() - started)).isBetween(Duration.ofMillis(900), Duration.ofSeconds(4));
            assertThat(store.list()).isEmpty();
        } finally {
            sourceAnswers.countDown();
            hanging.close();
        }
    }

    @Test
    void theControlPlanesLogLinesAboutATaskNameItInTheLogContext() {
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        Logger control = (Logger) LoggerFactory.getLogger("dev.milvuscdc.control");
        control.addAppender(lines);
        try {
            String id = manager.create(spec("http://a:1", "c"));
            runners.last(id).listener.retrying(FaultKind.TARGET, "target busy");
            await().until(() -> store.get(id).orElseThrow().reason().equals("target busy"));
            manager.pause(id);
            manager.delete(id, false);

            assertThat(lines.list).hasSizeGreaterThanOrEqualTo(5)
                    .allSatisfy(line -> assertThat(line.getMDCPropertyMap()).as(line.getFormattedMessage())
                            .containsEntry("task", id));
        } finally {
            control.detachAppender(lines);
        }
    }

    @Test
    void theIdempotentCreateStillChecksTheTarget() {
        TaskSpec base = spec("http://a:1", "c");
        TaskSpec withId = new TaskSpec(base.milvusConnectParam(), null, base.collectionInfos(), null, null, null, null,
                null, false, "fixed");
        manager.create(withId);
        targetDown.set("refused");

        assertThatThrownBy(() -> manager.create(withId)).hasMessage("fail to connect the milvus: refused");
    }

    @Test
    void deleteStopsTheRunnerAndRemovesTheTask() {
        String id = manager.create(spec("http://a:1", "c"));

        manager.delete(id, false);

        assertThat(runners.last(id).stopped).isTrue();
        assertThat(store.get(id)).isEmpty();
        assertThat(manager.create(spec("http://a:1", "c"))).hasSize(32);
    }
}
