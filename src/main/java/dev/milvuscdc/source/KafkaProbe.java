package dev.milvuscdc.source;

import dev.milvuscdc.config.KafkaConfig;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/**
 * Asks the source's Kafka for its cluster description, with the configured credentials. The admin
 * client is kept between checks: making one costs more than the question (seen on a loaded rig:
 * a new client per check missed the 3 s and refused a {@code create} while Kafka was up); a check
 * that fails drops it, so the next one starts afresh.
 */
final class KafkaProbe implements QueueProbe {

    private final KafkaConfig kafka;
    private Admin admin;

    KafkaProbe(KafkaConfig kafka) {
        this.kafka = kafka;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public String address() {
        return kafka.address();
    }

    @Override
    public synchronized String check(Duration timeout) {
        try {
            admin(timeout).describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS);
            return SourceProbe.UP;
        } catch (ExecutionException | TimeoutException e) {
            close();
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return "DOWN: no answer from " + kafka.address() + " within " + timeout.toSeconds() + " s ("
                    + cause.getClass().getSimpleName() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "DOWN: interrupted";
        } catch (RuntimeException e) {
            close();
            return "DOWN: " + e.getMessage();
        }
    }

    private Admin admin(Duration timeout) {
        if (admin == null) {
            Properties props = new Properties();
            props.putAll(kafka.clientProperties());
            props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.address());
            props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
            props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
            admin = Admin.create(props);
        }
        return admin;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close(Duration.ZERO);
            admin = null;
        }
    }
}
