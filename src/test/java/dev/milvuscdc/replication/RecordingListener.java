package dev.milvuscdc.replication;

import dev.milvuscdc.task.FaultKind;
import dev.milvuscdc.task.TaskStatusListener;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Keeps what a runner reported, for tests to assert on. */
final class RecordingListener implements TaskStatusListener {

    final List<String> retrying = new CopyOnWriteArrayList<>();
    final List<String> failed = new CopyOnWriteArrayList<>();
    final List<String> restarts = new CopyOnWriteArrayList<>();
    volatile int recovered;
    volatile boolean holdStands = true;

    @Override
    public void retrying(FaultKind kind, String reason) {
        retrying.add(reason);
    }

    @Override
    public boolean holdStands() {
        return holdStands;
    }

    @Override
    public void recovered() {
        recovered++;
    }

    @Override
    public void failed(FaultKind kind, String reason) {
        failed.add(reason);
    }

    @Override
    public void restart(FaultKind kind, String reason) {
        restarts.add(reason);
    }
}
