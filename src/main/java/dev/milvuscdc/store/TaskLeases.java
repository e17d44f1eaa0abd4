package dev.milvuscdc.store;

import dev.milvuscdc.task.Fence;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which server runs which task when several servers share one store (README, "Running several
 * servers"). A server holds a task through the store's own means: an etcd lease, or a row with an
 * expiry that the database's own clock measures. A hold lasts while its server renews it; a server that
 * stops renewing (killed, frozen, cut off) loses every hold once {@link #leaseTime()} has passed, and
 * another server may then take its tasks. Writes made through {@link TaskStore#fencedBy} with a hold's
 * {@link Fence} are refused once that hold is gone, so an old holder that wakes up can never move a
 * position of the new one. One instance per server; thread-safe.
 */
public interface TaskLeases extends AutoCloseable {

    /** This server's name, as {@link #holders()} shows it. */
    String server();

    /** How long a hold outlives its last renewal. */
    Duration leaseTime();

    /**
     * Whether only this server can have the store open (the embedded file, which H2 locks), so that no other
     * server can take, give up or change a task, and renewing needs only to keep the holds within the lease.
     */
    default boolean exclusive() {
        return false;
    }

    /**
     * Renews this server's presence and all its holds, and answers the holds that stand now, by task id.
     * When the lease time passed since the last renewal, every earlier hold is gone: this server then
     * starts again with none (and a new presence).
     *
     * @throws StoreException when the store does not answer; the holds may still stand until they expire
     */
    Map<String, Fence> renew();

    /**
     * Takes the task when no server holds it; answers this server's standing hold when it has one, and
     * empty when another server holds it.
     */
    Optional<Fence> acquire(String taskId);

    /** Gives the hold up at once, so that another server may take the task; nothing when it no longer stands. */
    void release(Fence hold);

    /** The holder's name of every task held now, by task id. */
    Map<String, String> holders();

    /** The names of the servers whose presence has not expired, this one included. */
    Set<String> servers();

    /** Gives up every hold and the server's presence. */
    @Override
    void close();
}
