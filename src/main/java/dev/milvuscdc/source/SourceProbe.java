package dev.milvuscdc.source;

import dev.milvuscdc.source.meta.SourceEtcd;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the source's etcd and message queue answer, for {@code /health} and before a task is
 * created. Each check is short (one read of the source's metadata prefix with the configured
 * credentials and TLS, one question to the queue, see {@link QueueProbe}) and its result is reused for a few seconds. A source
 * that answered is taken for down only when a second check right after fails too. A change of the
 * outcome is logged once. Holds one etcd client, opened at the first check, until closed.
 */
public final class SourceProbe implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SourceProbe.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Duration CACHE_FOR = Duration.ofSeconds(5);
    public static final String UP = "UP";

    private final SourceEtcd etcd;
    private final QueueProbe queue;
    private final Clock clock;
    private Client etcdClient;
    private Status last;
    private Instant checkedAt = Instant.MIN;

    /**
     * Each part is {@code UP} or {@code DOWN: <why>}.
     *
     * @param queueName the source's message queue, {@code kafka} or {@code pulsar}
     */
    public record Status(String etcd, String queueName, String queue) {

        public boolean reachable() {
            return UP.equals(etcd) && UP.equals(queue);
        }

        /** What cannot be reached, for an error message; empty when everything can. */
        public Optional<String> problem() {
            if (reachable()) {
                return Optional.empty();
            }
            StringBuilder text = new StringBuilder();
            if (!UP.equals(etcd)) {
                text.append("etcd ").append(etcd);
            }
            if (!UP.equals(queue)) {
                text.append(text.isEmpty() ? "" : "; ").append(queueName).append(' ').append(queue);
            }
            return Optional.of(text.toString());
        }
    }

    public SourceProbe(SourceEtcd etcd, QueueProbe queue, Clock clock) {
        this.etcd = etcd;
        this.queue = queue;
        this.clock = clock;
    }

    public synchronized Status status() {
        Instant now = clock.instant();
        if (last != null && now.isBefore(checkedAt.plus(CACHE_FOR))) {
            return last;
        }
        Status status = check();
        if (!status.reachable() && (last == null || last.reachable())) {
            // Seen on a loaded machine: one slow answer refused a create while the source was up.
            status = check();
        }
        if (!status.equals(last)) {
            if (status.reachable()) {
                LOG.info("source reachable: etcd {}, {} {}", etcd.endpoints(), queue.name(), queue.address());
            } else {
                LOG.warn("source not reachable, tasks cannot be created until it is: {}", status.problem().orElse(""));
            }
        }
        last = status;
        checkedAt = clock.instant();
        return status;
    }

    private Status check() {
        return new Status(checkEtcd(), queue.name(), queue.check(TIMEOUT));
    }

    private String checkEtcd() {
        if (etcd.endpoints().isEmpty()) {
            return "DOWN: no address configured";
        }
        try {
            if (etcdClient == null) {
                etcdClient = etcd.connect();
            }
            ByteSequence prefix = ByteSequence.from(etcd.rootCoordPrefix(), StandardCharsets.UTF_8);
            etcdClient.getKVClient().get(prefix, GetOption.builder().isPrefix(true).withKeysOnly(true).withLimit(1).build())
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            return UP;
        } catch (TimeoutException e) {
            return "DOWN: no answer from " + String.join(",", etcd.endpoints()) + " within " + TIMEOUT.toSeconds()
                    + " s (check sourceConfig.etcd: address" + (etcd.tls().enabled() ? ", TLS files" : ", enableTLS") + ")";
        } catch (ExecutionException e) {
            return "DOWN: " + String.join(",", etcd.endpoints()) + " refused the read: " + causes(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "DOWN: interrupted";
        } catch (RuntimeException e) {
            return "DOWN: " + e.getMessage();
        }
    }

    /** The messages of a failure and its causes, without repeats: gRPC puts etcd's own words in a cause. */
    private static String causes(Throwable failure) {
        Set<String> messages = new LinkedHashSet<>();
        for (Throwable t = failure; t != null && messages.size() < 4; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null) {
                messages.add(t.getMessage());
            }
        }
        return messages.isEmpty() ? String.valueOf(failure) : String.join(": ", messages);
    }

    @Override
    public synchronized void close() {
        queue.close();
        if (etcdClient != null) {
            etcdClient.close();
            etcdClient = null;
        }
    }
}
