package dev.milvuscdc.control;

import static dev.milvuscdc.task.TaskSpecFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.control.TaskTransitions.Move;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.store.InMemoryTaskStore;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import org.junit.jupiter.api.Test;

/** Each change of a task's life starts from the states it names; any other start is a bug and writes nothing. */
class TaskTransitionsTest {

    private final InMemoryTaskStore store = new InMemoryTaskStore();
    private final TaskTransitions transitions = new TaskTransitions(new StoredTasks(store), new CdcMetrics());

    private TaskRecord stored(TaskState state, String reason) {
        TaskRecord task = new TaskRecord("t1", spec("http://a:1", "c"), state, reason);
        store.put(task);
        return task;
    }

    @Test
    void aMoveIsStoredWithItsReason() {
        TaskRecord running = stored(TaskState.Running, "");

        TaskRecord paused = transitions.move(running, Move.PAUSE, "manually pause through http interface");

        assertThat(store.get("t1")).contains(paused);
        assertThat(paused.state()).isEqualTo(TaskState.Paused);
    }

    @Test
    void pausingATaskThatIsNotRunningIsABugAndChangesNothing() {
        TaskRecord paused = stored(TaskState.Paused, "earlier");

        assertThatThrownBy(() -> transitions.move(paused, Move.PAUSE, "again"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("bug: task t1 is Paused, which PAUSE cannot start from (only [Running])");
        assertThat(store.get("t1")).contains(paused);
    }

    @Test
    void aRestartStartsFromRunningOnly() {
        TaskRecord paused = stored(TaskState.Paused, "manually pause through http interface");

        assertThatThrownBy(() -> transitions.move(paused, Move.RESTART, "")).isInstanceOf(IllegalStateException.class);
        assertThat(transitions.move(paused, Move.START, "").state()).isEqualTo(TaskState.Running);
    }

    @Test
    void aRetryReasonBelongsToARunningTaskOnly() {
        TaskRecord initial = stored(TaskState.Initial, "");

        assertThatThrownBy(() -> transitions.reason(initial, "target busy")).isInstanceOf(IllegalStateException.class);
        assertThat(store.get("t1")).contains(initial);
    }
}
