package dev.milvuscdc.store;

import dev.milvuscdc.task.Fence;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A task store that forgets everything on exit: for unit tests of the layers above the store. Its
 * leases expire by the clock it is given, so tests of several servers on one store can let time pass.
 */
public final class InMemoryTaskStore implements TaskStore {

    private record Hold(Fence fence, long expiresAt, Object run) {
    }

    private final Map<String, TaskRecord> tasks = new LinkedHashMap<>();
    private final Map<String, Map<String, ChannelPosition>> positions = new LinkedHashMap<>();
    private final Map<String, Map<String, String>> catalogs = new LinkedHashMap<>();
    private final Map<String, Hold> holds = new HashMap<>();
    private final Map<String, Long> tokens = new HashMap<>();
    private final Map<String, Long> presences = new LinkedHashMap<>();
    private final LongSupplier nanoClock;

    public InMemoryTaskStore() {
        this(System::nanoTime);
    }

    /** @param nanoClock the time leases expire by, in nanoseconds */
    public InMemoryTaskStore(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    @Override
    public synchronized void put(TaskRecord task) {
        tasks.put(task.taskId(), task);
    }

    @Override
    public synchronized void create(TaskRecord task, Collection<ChannelPosition> startPositions) {
        put(task);
        savePositions(task.taskId(), startPositions);
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
        holds.remove(taskId);
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
    public TaskLeases leases(String server, Duration leaseTime) {
        return new Leases(server, leaseTime.toNanos());
    }

    @Override
    public TaskStore fencedBy(Fence fence) {
        InMemoryTaskStore store = this;
        return new TaskStore() {
            @Override
            public void put(TaskRecord task) {
                store.put(task);
            }

            @Override
            public void create(TaskRecord task, Collection<ChannelPosition> startPositions) {
                store.create(task, startPositions);
            }

            @Override
            public Optional<TaskRecord> get(String taskId) {
                return store.get(taskId);
            }

            @Override
            public List<TaskRecord> list() {
                return store.list();
            }

            @Override
            public boolean delete(String taskId) {
                return store.delete(taskId);
            }

            @Override
            public Map<String, ChannelPosition> positions(String taskId) {
                return store.positions(taskId);
            }

            @Override
            public void savePositions(String taskId, Collection<ChannelPosition> newPositions) {
                synchronized (store) {
                    store.checkFence(fence, taskId, "save positions");
                    store.savePositions(taskId, newPositions);
                }
            }

            @Override
            public Map<String, String> catalog(String taskId) {
                return store.catalog(taskId);
            }

            @Override
            public void updateCatalog(String taskId, Map<String, String> put, Collection<String> remove) {
                synchronized (store) {
                    store.checkFence(fence, taskId, "update the catalog");
                    store.updateCatalog(taskId, put, remove);
                }
            }

            @Override
            public TaskLeases leases(String server, Duration leaseTime) {
                return store.leases(server, leaseTime);
            }

            @Override
            public TaskStore fencedBy(Fence other) {
                return store.fencedBy(other);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public void close() {
    }

    private void checkFence(Fence fence, String taskId, String action) {
        if (fence.taskId().equals(taskId) && tasks.containsKey(taskId) && !fence.equals(standing(taskId))) {
            throw new LeaseLostException(fence, action);
        }
    }

    private Fence standing(String taskId) {
        Hold hold = holds.get(taskId);
        return hold == null || hold.expiresAt() - nanoClock.getAsLong() <= 0 ? null : hold.fence();
    }

    private final class Leases implements TaskLeases {

        private final String server;
        private final long leaseNanos;

        Leases(String server, long leaseNanos) {
            this.server = server;
            this.leaseNanos = leaseNanos;
            synchronized (InMemoryTaskStore.this) {
                presences.put(server, nanoClock.getAsLong() + leaseNanos);
            }
        }

        @Override
        public String server() {
            return server;
        }

        @Override
        public Duration leaseTime() {
            return Duration.ofNanos(leaseNanos);
        }

        @Override
        public Map<String, Fence> renew() {
            synchronized (InMemoryTaskStore.this) {
                long now = nanoClock.getAsLong();
                Map<String, Fence> mine = new LinkedHashMap<>();
                for (Map.Entry<String, Hold> entry : holds.entrySet()) {
                    Fence fence = standing(entry.getKey());
                    if (fence != null && entry.getValue().run() == this) {
                        entry.setValue(new Hold(fence, now + leaseNanos, this));
                        mine.put(entry.getKey(), fence);
                    }
                }
                presences.put(server, now + leaseNanos);
                return mine;
            }
        }

        @Override
        public Optional<Fence> acquire(String taskId) {
            synchronized (InMemoryTaskStore.this) {
                Fence current = standing(taskId);
                if (current != null && !current.holder().equals(server)) {
                    return Optional.empty();
                }
                if (current != null && holds.get(taskId).run() == this) {
                    return Optional.of(current);
                }
                long token = tokens.merge(taskId, 1L, Long::sum);
                Fence fence = new Fence(taskId, server, token);
                holds.put(taskId, new Hold(fence, nanoClock.getAsLong() + leaseNanos, this));
                return Optional.of(fence);
            }
        }

        @Override
        public void release(Fence hold) {
            synchronized (InMemoryTaskStore.this) {
                if (hold.equals(standing(hold.taskId()))) {
                    holds.remove(hold.taskId());
                }
            }
        }

        @Override
        public Map<String, String> holders() {
            synchronized (InMemoryTaskStore.this) {
                Map<String, String> holders = new LinkedHashMap<>();
                for (String taskId : holds.keySet()) {
                    Fence fence = standing(taskId);
                    if (fence != null) {
                        holders.put(taskId, fence.holder());
                    }
                }
                return holders;
            }
        }

        @Override
        public Set<String> servers() {
            synchronized (InMemoryTaskStore.this) {
                long now = nanoClock.getAsLong();
                Set<String> live = new LinkedHashSet<>();
                presences.forEach((name, expiresAt) -> {
                    if (expiresAt - now > 0) {
                        live.add(name);
                    }
                });
                return live;
            }
        }

        @Override
        public void close() {
            synchronized (InMemoryTaskStore.this) {
                holds.values().removeIf(hold -> hold.run() == this);
                presences.remove(server);
            }
        }
    }
}
