package dev.milvuscdc.control;

import static dev.milvuscdc.control.TaskRequestException.server;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.task.TaskRecord;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The task store as the control plane uses it: store failures become answers with the reference's texts. */
final class StoredTasks {

    private final TaskStore store;

    StoredTasks(TaskStore store) {
        this.store = store;
    }

    Optional<TaskRecord> get(String taskId) {
        try {
            return store.get(taskId);
        } catch (StoreException e) {
            throw server("fail to get the task info, task_id: " + taskId + ": " + e.getMessage());
        }
    }

    List<TaskRecord> list() {
        try {
            return store.list();
        } catch (StoreException e) {
            throw server("fail to list the task info: " + e.getMessage());
        }
    }

    /** @param failure what the answer says went wrong, before the store's own explanation */
    void put(TaskRecord task, String failure) {
        try {
            store.put(task);
        } catch (StoreException e) {
            throw server(failure + ": " + e.getMessage());
        }
    }

    /** Stores a new task with its start positions in one step ({@link TaskStore#create}). */
    void create(TaskRecord task, Collection<ChannelPosition> startPositions, String failure) {
        try {
            store.create(task, startPositions);
        } catch (StoreException e) {
            throw server(failure + ": " + e.getMessage());
        }
    }

    void delete(String taskId) {
        try {
            store.delete(taskId);
        } catch (StoreException e) {
            throw server("fail to delete the task meta, task_id: " + taskId + ": " + e.getMessage());
        }
    }

    Map<String, ChannelPosition> positions(String taskId) {
        try {
            return store.positions(taskId);
        } catch (StoreException e) {
            throw server("fail to get the task positions, task_id: " + taskId + ": " + e.getMessage());
        }
    }

    Map<String, String> catalog(String taskId) {
        try {
            return store.catalog(taskId);
        } catch (StoreException e) {
            throw server("fail to get the task catalog, task_id: " + taskId + ": " + e.getMessage());
        }
    }

    /** {@code UP} when the store answers, else {@code DOWN: <why>}. */
    String status() {
        try {
            store.list();
            return "UP";
        } catch (StoreException e) {
            return "DOWN: " + e.getMessage();
        }
    }
}
