package dev.milvuscdc.store;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A task store that forgets everything on exit: for unit tests of the layers above the store. */
public final class InMemoryTaskStore implements TaskStore {

    private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
    private final Map<String, Map<String, ChannelPosition>> positions = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();

    @Override
    public synchronized void put(TaskRecord task) {
        tasks.put(task.taskId(), task);
    }

    @Override
    public synchronized Optional<TaskRecord> get(String taskId) {
        return Optional.ofNullable(tasks.get(taskId));
    }

    @Override
    public synchronized List<TaskRecord> list() {
        return new ArrayList<>(tasks.values());
    }

    @Override
    public synchronized boolean delete(String taskId) {
        positions.remove(taskId);
        catalogs.remove(taskId);
        return tasks.remove(taskId) != null;
    }

    @Override
    public synchronized Map<String, ChannelPosition> positions(String taskId) {
        return Map.copyOf(positions.getOrDefault(taskId, Map.of()));
    }

    @Override
    public synchronized void savePositions(String taskId, Collection<ChannelPosition> newPositions) {
        if (!tasks.containsKey(taskId)) {
            return;
        }
        Map<String, ChannelPosition> current = positions.computeIfAbsent(taskId, id -> new LinkedHashMap<>());
        newPositions.forEach(p -> current.put(p.channel(), p));
    }

    @Override
    public synchronized Map<String, String> catalog(String taskId) {
        return Map.copyOf(catalogs.getOrDefault(taskId, Map.of()));
    }

    @Override
    public synchronized void updateCatalog(String taskId, Map<String, String> put, Collection<String> remove) {
        if (!tasks.containsKey(taskId)) {
            return;
        }
        Map<String, String> current = catalogs.computeIfAbsent(taskId, id -> new LinkedHashMap<>());
        remove.forEach(current::remove);
        current.putAll(put);
    }

    @Override
    public void close() {
    }
}
