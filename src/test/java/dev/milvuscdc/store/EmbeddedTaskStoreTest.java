package dev.milvuscdc.store;

import static dev.milvuscdc.store.StoreFixtures.position;
import static dev.milvuscdc.store.StoreFixtures.task;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedTaskStoreTest extends TaskStoreContract {

    @TempDir
    Path dataDir;

    @Override
    protected TaskStore open(String rootPath) {
        return TaskStores.embedded(dataDir, rootPath);
    }

    @Test
    void keepsItsDatabaseInTheDataDirectory() {
        store.put(task("t1", TaskState.Running, ""));

        assertThat(dataDir.resolve("tasks.mv.db")).isRegularFile();
    }

    @Test
    void aDataDirectoryThatIsAFileFailsWithTheDirectoryAndAHint() throws IOException {
        Path file = Files.writeString(dataDir.resolve("not-a-dir"), "x");

        assertThatThrownBy(() -> TaskStores.embedded(file, rootPath))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("check that the data directory is writable");
    }

    @Test
    void anIdTooLongForTheKeyColumnsIsRefusedAndChangesNothing() {
        String longId = "é".repeat(300);
        store.put(task("t1", TaskState.Running, ""));

        assertThatThrownBy(() -> store.put(task(longId, TaskState.Running, "")))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("600 bytes long in UTF-8, more than the 512");
        assertThatThrownBy(() -> store.savePositions("t1", List.of(position(longId, "m", 1))))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("channel name is 600 bytes");

        assertThat(store.get(longId)).isEmpty();
        assertThat(store.delete(longId)).isFalse();
        assertThat(store.list()).extracting(TaskRecord::taskId).containsExactly("t1");
        assertThat(store.positions("t1")).isEmpty();
    }

    /**
     * A writer in another JVM is killed three times in the middle of its writes. Each reopen must
     * find every write the writer had reported (durability) and every channel of the task at the
     * same round (savePositions is atomic).
     */
    @Test
    void aKilledWriterLeavesEveryReportedWriteAndNoHalfWrite() throws Exception {
        Path crashDir = dataDir.resolve("crash");
        long nextRound = 1;
        for (int crash = 0; crash < 3; crash++) {
            long lastReported = runWriterAndKill(crashDir, nextRound, nextRound + 150, () -> { });

            try (TaskStore reopened = TaskStores.embedded(crashDir, EmbeddedStoreCrashWriter.ROOT)) {
                Collection<ChannelPosition> saved = reopened.positions(EmbeddedStoreCrashWriter.TASK).values();
                assertThat(saved).extracting(ChannelPosition::channel)
                        .containsExactlyInAnyOrderElementsOf(EmbeddedStoreCrashWriter.CHANNELS);
                Set<Long> rounds = saved.stream().map(ChannelPosition::timestamp).collect(Collectors.toSet());
                assertThat(rounds).hasSize(1);
                long savedRound = rounds.iterator().next();
                assertThat(savedRound).isGreaterThanOrEqualTo(lastReported);
                assertThat(reopened.list()).extracting(TaskRecord::taskId)
                        .contains(EmbeddedStoreCrashWriter.TASK, "extra-" + (lastReported / 10 * 10));
                nextRound = savedRound + 1;
            }
        }
    }

    /** The file is this process's alone (the test below), so no other server can hold its tasks. */
    @Test
    void itsLeasesSayNoOtherServerCanOpenTheStore() {
        try (TaskLeases leases = store.leases("s1", Duration.ofSeconds(10))) {
            assertThat(leases.exclusive()).isTrue();
        }
    }

    @Test
    void aSecondProcessOnTheSameDataDirectoryIsRefusedWithAHint() throws Exception {
        Path shared = dataDir.resolve("shared");

        runWriterAndKill(shared, 1, 5, () -> assertThatThrownBy(() -> TaskStores.embedded(shared, "other"))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("The file is locked")
                .hasMessageContaining("not used by another running server"));
    }

    /**
     * Starts the writer, waits until it reports {@code killAfter}, runs {@code whileRunning}, kills
     * the writer; returns the last round it reported.
     */
    private static long runWriterAndKill(Path dir, long firstRound, long killAfter, Runnable whileRunning)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process writer = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                EmbeddedStoreCrashWriter.class.getName(), dir.toString(), String.valueOf(firstRound))
                .redirectErrorStream(true)
                .start();
        long lastReported = -1;
        StringBuilder output = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(
                new InputStreamReader(writer.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; lastReported < killAfter && (line = lines.readLine()) != null; ) {
                if (line.startsWith("saved ")) {
                    lastReported = Long.parseLong(line.substring(6));
                } else {
                    output.append(line).append('\n');
                }
            }
            assertThat(lastReported).as("writer output:\n%s", output).isGreaterThanOrEqualTo(killAfter);
            whileRunning.run();
        } finally {
            writer.destroyForcibly();
            assertThat(writer.waitFor(30, TimeUnit.SECONDS)).isTrue();
        }
        return lastReported;
    }
}
