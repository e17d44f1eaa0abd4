package dev.milvuscdc.store;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The child process of {@link EmbeddedTaskStoreTest}'s crash test: writes to an embedded store
 * until it is killed, and prints {@code saved <n>} after each write has returned.
 */
public final class EmbeddedStoreCrashWriter {

    static final String TASK = "crash-task";
    static final String ROOT = "crash-root";
    static final List<String> CHANNELS = IntStream.range(0, 8).mapToObj(i -> "by-dev-rootcoord-dml_" + i).toList();

    private EmbeddedStoreCrashWriter() {
    }

    public static void main(String[] args) {
        TaskStore store = TaskStores.embedded(Path.of(args[0]), ROOT);
        long start = Long.parseLong(args[1]);
        if (store.get(TASK).isEmpty()) {
            store.put(new TaskRecord(TASK, StoreFixtures.fullSpec(), TaskState.Running, ""));
        }
        for (long n = start; ; n++) {
            long round = n;
            store.savePositions(TASK, CHANNELS.stream().map(c -> new ChannelPosition(c, "m" + round, round)).toList());
            if (n % 10 == 0) {
                store.put(StoreFixtures.task("extra-" + n, TaskState.Paused, "written in round " + n));
            }
            System.out.println("saved " + n);
            System.out.flush();
        }
    }
}
