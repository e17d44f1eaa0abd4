package dev.milvuscdc.store.etcd;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.store.LeaseLostException;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.StoreLocation;
import dev.milvuscdc.store.StoredJson;
import dev.milvuscdc.store.TaskLeases;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.task.Fence;
import dev.milvuscdc.task.TaskRecord;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.netty.handler.ssl.SslContext;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The task store in etcd v3 (layout in {@link EtcdKeys}; values are JSON). Creation order is the
 * task key's create revision, which a replacing put keeps. {@link #delete} and
 * {@link #savePositions} are single transactions guarded by the task key's existence, so they are
 * atomic and a deleted task never gets positions again; {@link #create} writes the task and its start
 * positions in one transaction. Every call gives up after
 * {@link #CALL_TIMEOUT}, because the client otherwise waits for an unreachable etcd forever.
 * etcd's default {@code --max-txn-ops} of 128 bounds the channels one {@link #savePositions} call
 * may carry (127 for {@link #create}). Thread-safe.
 */
public final class EtcdTaskStore implements TaskStore {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdTaskStore.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Client client;
    private final KV kv;
    private final EtcdKeys keys;
    private final StoreLocation location;
    private final Set<String> unreadableKeys;
    /** Present in a view made by {@link #fencedBy}, which shares the client and does not close it. */
    private final Optional<Fence> fence;

    private EtcdTaskStore(Client client, EtcdKeys keys, StoreLocation location, Set<String> unreadableKeys,
                          Optional<Fence> fence) {
        this.client = client;
        this.kv = client.getKVClient();
        this.keys = keys;
        this.location = location;
        this.unreadableKeys = unreadableKeys;
        this.fence = fence;
    }

    /**
     * Connects and checks with one read that etcd answers; endpoints without a scheme get {@code http://}.
     *
     * @param tls null without TLS
     */
    public static EtcdTaskStore open(List<String> endpoints, String user, String password, SslContext tls,
            String rootPath, StoreLocation location) {
        if (endpoints.isEmpty()) {
            throw location.failure("connect", null, new IllegalArgumentException("no etcd endpoint is configured"));
        }
        ClientBuilder builder = Client.builder()
                .endpoints(endpoints.stream().map(e -> e.contains("://") ? e : "http://" + e).toArray(String[]::new))
                .connectTimeout(CONNECT_TIMEOUT)
                .keepaliveWithoutCalls(false); // as SourceEtcd: etcd refuses pings on an idle connection
        if (user != null && !user.isEmpty()) {
            builder.user(EtcdKeys.bytes(user)).password(EtcdKeys.bytes(password == null ? "" : password));
        }
        if (tls != null) {
            builder.sslContext(tls);
        }
        EtcdTaskStore store = new EtcdTaskStore(builder.build(), new EtcdKeys(rootPath), location,
                ConcurrentHashMap.newKeySet(), Optional.empty());
        try {
            store.await(store.kv.get(store.keys.taskInfoPrefix(),
                    GetOption.builder().isPrefix(true).withCountOnly(true).build()), "connect", null);
            return store;
        } catch (StoreException e) {
            store.close();
            throw e;
        }
    }

    @Override
    public void put(TaskRecord task) {
        await(kv.put(keys.taskInfo(task.taskId()), EtcdKeys.bytes(StoredJson.task(task))), "save", task.taskId());
    }

    @Override
    public void create(TaskRecord task, Collection<ChannelPosition> startPositions) {
        List<Op> writes = new ArrayList<>();
        writes.add(Op.put(keys.taskInfo(task.taskId()), EtcdKeys.bytes(StoredJson.task(task)), PutOption.DEFAULT));
        writes.addAll(List.of(positionPuts(task.taskId(), startPositions)));
        await(kv.txn().Then(writes.toArray(Op[]::new)).commit(), "save", task.taskId());
    }

    @Override
    public Optional<TaskRecord> get(String taskId) {
        List<KeyValue> found = await(kv.get(keys.taskInfo(taskId)), "read", taskId).getKvs();
        return found.stream().findFirst()
                .map(stored -> decode(() -> StoredJson.task(text(stored.getValue())), taskId));
    }

    @Override
    public List<TaskRecord> list() {
        List<KeyValue> found = new ArrayList<>(await(kv.get(keys.taskInfoPrefix(),
                GetOption.builder().isPrefix(true).build()), "list tasks", null).getKvs());
        found.sort(Comparator.comparingLong(KeyValue::getCreateRevision));
        List<TaskRecord> tasks = new ArrayList<>();
        for (KeyValue stored : found) {
            try {
                tasks.add(StoredJson.task(text(stored.getValue())));
            } catch (IllegalArgumentException e) {
                warnOnce(text(stored.getKey()), e);
            }
        }
        return tasks;
    }

    @Override
    public boolean delete(String taskId) {
        ByteSequence taskKey = keys.taskInfo(taskId);
        Op deletePositions = Op.delete(keys.positionsPrefix(taskId), DeleteOption.builder().isPrefix(true).build());
        Op deleteCatalog = Op.delete(keys.catalogPrefix(taskId), DeleteOption.builder().isPrefix(true).build());
        Op deleteHold = Op.delete(keys.taskOwner(taskId), DeleteOption.DEFAULT);
        return await(kv.txn()
                .If(taskExists(taskKey))
                .Then(Op.delete(taskKey, DeleteOption.DEFAULT), deletePositions, deleteCatalog, deleteHold)
                .Else(deletePositions, deleteCatalog, deleteHold)
                .commit(), "delete", taskId).isSucceeded();
    }

    @Override
    public Map<String, ChannelPosition> positions(String taskId) {
        List<KeyValue> found = await(kv.get(keys.positionsPrefix(taskId),
                GetOption.builder().isPrefix(true).build()), "read positions", taskId).getKvs();
        Map<String, ChannelPosition> positions = new LinkedHashMap<>();
        for (KeyValue stored : found) {
            ChannelPosition position = decode(() -> StoredJson.position(text(stored.getValue())), taskId);
            positions.put(position.channel(), position);
        }
        return positions;
    }

    @Override
    public void savePositions(String taskId, Collection<ChannelPosition> positions) {
        Op[] puts = positionPuts(taskId, positions);
        if (puts.length > 0) {
            writeIfHeld(taskId, puts, "save positions");
        }
    }

    private Op[] positionPuts(String taskId, Collection<ChannelPosition> positions) {
        Map<String, ChannelPosition> byChannel = new LinkedHashMap<>();
        positions.forEach(p -> byChannel.put(p.channel(), p));
        return byChannel.values().stream()
                .map(p -> Op.put(keys.position(taskId, p.channel()), EtcdKeys.bytes(StoredJson.position(p)),
                        PutOption.DEFAULT))
                .toArray(Op[]::new);
    }

    @Override
    public Map<String, String> catalog(String taskId) {
        ByteSequence prefix = keys.catalogPrefix(taskId);
        List<KeyValue> found = await(kv.get(prefix, GetOption.builder().isPrefix(true).build()),
                "read the catalog", taskId).getKvs();
        Map<String, String> entries = new LinkedHashMap<>();
        for (KeyValue stored : found) {
            entries.put(EtcdKeys.decodedAfter(text(stored.getKey()), text(prefix)), text(stored.getValue()));
        }
        return entries;
    }

    @Override
    public void updateCatalog(String taskId, Map<String, String> put, Collection<String> remove) {
        List<Op> ops = new ArrayList<>();
        remove.forEach(key -> ops.add(Op.delete(keys.catalogEntry(taskId, key), DeleteOption.DEFAULT)));
        put.forEach((key, value) -> ops.add(Op.put(keys.catalogEntry(taskId, key), EtcdKeys.bytes(value), PutOption.DEFAULT)));
        if (ops.isEmpty()) {
            return;
        }
        writeIfHeld(taskId, ops.toArray(Op[]::new), "update the catalog");
    }

    /**
     * Writes a task's entries in one transaction while the task exists and, in a fenced view, while the hold
     * of the fence is the task's hold key as it stands (same holder, same mod revision).
     */
    private void writeIfHeld(String taskId, Op[] writes, String action) {
        List<Cmp> conditions = new ArrayList<>(List.of(taskExists(keys.taskInfo(taskId))));
        Optional<Fence> applying = fence.filter(f -> f.taskId().equals(taskId));
        applying.ifPresent(f -> {
            conditions.add(new Cmp(keys.taskOwner(taskId), Cmp.Op.EQUAL, CmpTarget.modRevision(f.token())));
            conditions.add(new Cmp(keys.taskOwner(taskId), Cmp.Op.EQUAL, CmpTarget.value(EtcdKeys.bytes(f.holder()))));
        });
        boolean written = await(kv.txn().If(conditions.toArray(Cmp[]::new)).Then(writes).commit(), action, taskId)
                .isSucceeded();
        if (!written && applying.isPresent() && get(taskId).isPresent()) {
            throw new LeaseLostException(applying.get(), action);
        }
    }

    @Override
    public TaskLeases leases(String server, Duration leaseTime) {
        return new EtcdTaskLeases(this, client.getLeaseClient(), keys, server, leaseTime);
    }

    @Override
    public TaskStore fencedBy(Fence hold) {
        return new EtcdTaskStore(client, keys, location, unreadableKeys, Optional.of(hold));
    }

    KV kv() {
        return kv;
    }

    @Override
    public void close() {
        if (fence.isEmpty()) {
            client.close();
        }
    }

    @Override
    public String toString() {
        return location.toString();
    }

    /**
     * The reference server's default root path is the same as ours, so its tasks, in another JSON
     * form, may sit under our prefix; one unreadable entry must not hide every other task.
     */
    private void warnOnce(String key, IllegalArgumentException e) {
        if (unreadableKeys.add(key)) {
            LOG.warn("Skipping {} in the {}: not a task this server can read ({})", key, location, e.getMessage());
        }
    }

    /** A missing key compares as create revision 0. */
    private static Cmp taskExists(ByteSequence taskKey) {
        return new Cmp(taskKey, Cmp.Op.GREATER, CmpTarget.createRevision(0));
    }

    private <T> T decode(Supplier<T> decoder, String subject) {
        try {
            return decoder.get();
        } catch (IllegalArgumentException e) {
            throw location.invalid("read the stored value", subject, e.getMessage());
        }
    }

    static String text(ByteSequence bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Waits for an etcd call at most {@link #CALL_TIMEOUT}; failures become {@link StoreException}s naming the store. */
    <T> T await(CompletableFuture<T> call, String action, String taskId) {
        try {
            return call.get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw location.failure(action, taskId,
                    new TimeoutException("no answer within " + CALL_TIMEOUT.toSeconds() + " s"));
        } catch (ExecutionException e) {
            throw location.failure(action, taskId, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw location.failure(action, taskId, e);
        }
    }
}
