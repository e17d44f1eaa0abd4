package dev.milvuscdc.store.etcd;

import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.TaskLeases;
import dev.milvuscdc.task.Fence;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Lease;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds through etcd's own leases: the server's lease carries its presence key and every hold key it
 * wrote ({@link EtcdKeys}), so etcd deletes them all when the lease expires. A hold's token is its key's
 * mod revision, which no later write of the key can repeat. A server restarted under the same name (its
 * old process is gone: the name carries its listen port) takes its old holds over at once, with new
 * tokens, rather than waiting for its old lease to expire. Renewals are single keep-alives made by
 * the caller's own loop, so that what the server believes and what etcd decided meet at one place. A
 * lease found expired is replaced by a new one, with no holds. Thread-safe.
 */
final class EtcdTaskLeases implements TaskLeases {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdTaskLeases.class);
    /** Shorter leases could expire between two renewals of a loaded server. */
    private static final long MIN_TTL_SECONDS = 2;

    private final EtcdTaskStore store;
    private final Lease leaseClient;
    private final EtcdKeys keys;
    private final String server;
    private final Duration leaseTime;
    private final ByteSequence name;
    private long leaseId;
    /**
     * Whether the last renewal, or a take since, left this server holding a task: only then does an expired
     * lease cost anything. A server that starts slower than its lease time finds its first lease expired.
     */
    private boolean holding;

    EtcdTaskLeases(EtcdTaskStore store, Lease leaseClient, EtcdKeys keys, String server, Duration leaseTime) {
        this.store = store;
        this.leaseClient = leaseClient;
        this.keys = keys;
        this.server = server;
        this.leaseTime = leaseTime;
        this.name = EtcdKeys.bytes(server);
        this.leaseId = newLease();
    }

    @Override
    public String server() {
        return server;
    }

    @Override
    public Duration leaseTime() {
        return leaseTime;
    }

    @Override
    public synchronized Map<String, Fence> renew() {
        if (!keptAlive()) {
            if (holding) {
                LOG.warn("server {}: its etcd lease expired, every hold it had is gone; taking a new lease", server);
            } else {
                LOG.info("server {}: its etcd lease expired while it held no task; taking a new lease", server);
            }
            holding = false;
            leaseId = newLease();
            return Map.of();
        }
        Map<String, Fence> mine = new LinkedHashMap<>();
        for (KeyValue hold : holdKeys()) {
            if (hold.getValue().equals(name) && hold.getLease() == leaseId) {
                String taskId = taskId(hold);
                mine.put(taskId, new Fence(taskId, server, hold.getModRevision()));
            }
        }
        holding = !mine.isEmpty();
        return mine;
    }

    @Override
    public synchronized Optional<Fence> acquire(String taskId) {
        Optional<Fence> taken = take(taskId);
        holding |= taken.isPresent();
        return taken;
    }

    private Optional<Fence> take(String taskId) {
        ByteSequence key = keys.taskOwner(taskId);
        TxnResponse answer = store.await(store.kv().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.createRevision(0)))
                .Then(Op.put(key, name, PutOption.builder().withLeaseId(leaseId).build()))
                .Else(Op.get(key, GetOption.DEFAULT))
                .commit(), "take the hold", taskId);
        if (answer.isSucceeded()) {
            return Optional.of(new Fence(taskId, server, answer.getHeader().getRevision()));
        }
        List<KeyValue> current = answer.getGetResponses().get(0).getKvs();
        if (current.isEmpty() || !current.get(0).getValue().equals(name)) {
            return Optional.empty();
        }
        KeyValue hold = current.get(0);
        return hold.getLease() == leaseId
                ? Optional.of(new Fence(taskId, server, hold.getModRevision()))
                : takeOverFromEarlierRun(taskId, key, hold);
    }

    /** This server's name on another lease: an earlier run of this server, which is gone. */
    private Optional<Fence> takeOverFromEarlierRun(String taskId, ByteSequence key, KeyValue hold) {
        TxnResponse answer = store.await(store.kv().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(hold.getModRevision())))
                .Then(Op.put(key, name, PutOption.builder().withLeaseId(leaseId).build()))
                .commit(), "take the hold over from an earlier run", taskId);
        return answer.isSucceeded()
                ? Optional.of(new Fence(taskId, server, answer.getHeader().getRevision()))
                : Optional.empty();
    }

    @Override
    public void release(Fence hold) {
        ByteSequence key = keys.taskOwner(hold.taskId());
        store.await(store.kv().txn()
                .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.modRevision(hold.token())),
                        new Cmp(key, Cmp.Op.EQUAL, CmpTarget.value(EtcdKeys.bytes(hold.holder()))))
                .Then(Op.delete(key, DeleteOption.DEFAULT))
                .commit(), "give the hold up", hold.taskId());
    }

    @Override
    public Map<String, String> holders() {
        Map<String, String> holders = new LinkedHashMap<>();
        for (KeyValue hold : holdKeys()) {
            holders.put(taskId(hold), EtcdTaskStore.text(hold.getValue()));
        }
        return holders;
    }

    @Override
    public Set<String> servers() {
        Set<String> names = new LinkedHashSet<>();
        store.await(store.kv().get(keys.serverPrefix(), GetOption.builder().isPrefix(true).build()),
                "list the servers", null).getKvs().forEach(presence -> names.add(EtcdTaskStore.text(presence.getValue())));
        return names;
    }

    /** Revokes the lease: etcd deletes the presence and every hold at once, so other servers take the tasks. */
    @Override
    public synchronized void close() {
        try {
            store.await(leaseClient.revoke(leaseId), "give every hold up", null);
        } catch (StoreException e) {
            LOG.warn("server {}: its holds were not given up ({}); they expire after {} s", server, e.getMessage(),
                    leaseTime.toSeconds());
        }
    }

    private boolean keptAlive() {
        try {
            return store.await(leaseClient.keepAliveOnce(leaseId), "renew the holds", null).getTTL() > 0;
        } catch (StoreException e) {
            if (String.valueOf(e.getMessage()).contains("lease not found")) {
                return false;
            }
            throw e;
        }
    }

    private long newLease() {
        long ttl = Math.max(MIN_TTL_SECONDS, (leaseTime.toMillis() + 999) / 1000);
        long id = store.await(leaseClient.grant(ttl), "take a lease", null).getID();
        store.await(store.kv().put(keys.server(server), name, PutOption.builder().withLeaseId(id).build()),
                "record the server's presence", null);
        return id;
    }

    private List<KeyValue> holdKeys() {
        return store.await(store.kv().get(keys.taskOwnerPrefix(), GetOption.builder().isPrefix(true).build()),
                "list the holds", null).getKvs();
    }

    private String taskId(KeyValue hold) {
        return EtcdKeys.decodedAfter(EtcdTaskStore.text(hold.getKey()), EtcdTaskStore.text(keys.taskOwnerPrefix()));
    }
}
