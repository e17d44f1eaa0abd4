package dev.milvuscdc;

import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.config.EtcdTls;
import dev.milvuscdc.config.MetaStoreConfig;
import dev.milvuscdc.control.MilvusTargetProbe;
import dev.milvuscdc.control.TargetProbe;
import dev.milvuscdc.control.TaskLimits;
import dev.milvuscdc.control.TaskManager;
import dev.milvuscdc.http.CdcHttpServer;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.source.QueueProbe;
import dev.milvuscdc.source.SourceProbe;
import dev.milvuscdc.source.meta.SourceEtcd;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.store.TaskLeases;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.store.TaskStores;
import dev.milvuscdc.task.TaskRunnerFactory;
import io.netty.handler.ssl.SslContext;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root: builds store, task manager, HTTP listener and metrics from the
 * configuration, starts them in order, and stops them in reverse order. The listener answers
 * before stored tasks are started and before the source has been probed: neither a slow runner
 * start nor an unreachable source delays it.
 */
public final class CdcServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CdcServer.class);

    private final TaskStore store;
    private final TaskManager tasks;
    private final CdcHttpServer http;
    private SourceProbe sourceProbe;

    /** What the server talks to outside itself; tests replace the target and source checks. */
    public record Outside(TaskStore store, TaskRunnerFactory runners, TargetProbe target,
                          Supplier<SourceProbe.Status> source) {
    }

    private CdcServer(CdcConfig config, Outside outside, CdcMetrics metrics) {
        this.store = outside.store();
        Supplier<SourceProbe.Status> source = outside.source();
        TaskLimits limits = new TaskLimits(config.server().maxTaskNum(), config.server().maxNameLength(),
                config.source().replicateChan(), !config.source().milvusUri().isBlank());
        Supplier<Optional<String>> sourceProblem = () -> source.get().problem();
        TaskLeases leases = store.leases(config.server().serverName(), config.server().taskLease());
        this.tasks = new TaskManager(store, leases, outside.runners(), outside.target(), sourceProblem, limits, metrics);
        this.http = new CdcHttpServer(tasks, metrics, () -> sourceParts(source.get()), config.server().maxRequestBytes(),
                config.server().apiToken());
    }

    /** Builds the runner factory once the store and metrics exist: the replication engine plugs in here. */
    @FunctionalInterface
    public interface RunnerWiring {
        TaskRunnerFactory create(TaskStore store, CdcMetrics metrics);
    }

    /** Starts a server that uses the real store, target and source of the configuration. */
    public static CdcServer start(CdcConfig config, RunnerWiring engine) {
        CdcMetrics metrics = new CdcMetrics();
        TaskStore store = openStore(config);
        SourceProbe probe = new SourceProbe(SourceEtcd.of(config.source()), QueueProbe.of(config.source()), Clock.systemUTC());
        try {
            Outside outside = new Outside(store, engine.create(store, metrics), new MilvusTargetProbe(), probe::status);
            CdcServer server = start(config, outside, metrics);
            server.sourceProbe = probe;
            return server;
        } catch (RuntimeException e) {
            probe.close();
            store.close();
            throw e;
        }
    }

    /** Starts a server on what the caller provides; the store is closed with the server. */
    public static CdcServer start(CdcConfig config, Outside outside) {
        return start(config, outside, new CdcMetrics());
    }

    private static CdcServer start(CdcConfig config, Outside outside, CdcMetrics metrics) {
        CdcServer server = new CdcServer(config, outside, metrics);
        try {
            server.http.start(config.server().address());
            server.tasks.startStoredTasks();
            probeInBackground(outside.source());
            return server;
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Logs once whether the source answers, without delaying the listener by the probe's timeouts. */
    private static void probeInBackground(Supplier<SourceProbe.Status> source) {
        Thread probe = new Thread(source::get, "source-probe");
        probe.setDaemon(true);
        probe.start();
    }

    public int port() {
        return http.port();
    }

    static TaskStore openStore(CdcConfig config) {
        MetaStoreConfig meta = config.metaStore();
        return switch (meta.storeType()) {
            case EMBEDDED -> TaskStores.embedded(config.server().dataDir(), meta.rootPath());
            case MYSQL -> TaskStores.mysql(meta.mysql().url(), meta.mysql().user(), meta.mysql().password().value(),
                    meta.rootPath());
            case ETCD -> TaskStores.etcd(meta.etcd().address(), meta.etcd().loginUsername(),
                    meta.etcd().loginPassword(), storeTls(meta.etcd().tls()), meta.rootPath());
        };
    }

    /** The task store's TLS context, null without TLS; the files were checked when the configuration was read. */
    private static SslContext storeTls(EtcdTls tls) {
        if (!tls.enabled()) {
            return null;
        }
        try {
            return tls.clientContext();
        } catch (SSLException e) {
            throw new StoreException("the TLS files of metaStoreConfig.etcd cannot be used: " + e.getMessage(), e);
        }
    }

    private static Map<String, String> sourceParts(SourceProbe.Status status) {
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("etcd", status.etcd());
        parts.put(status.queueName(), status.queue());
        return parts;
    }

    /** Stops taking requests, then stops the tasks (their stored states stay), then closes the store. */
    @Override
    public void close() {
        http.close();
        tasks.close();
        store.close();
        if (sourceProbe != null) {
            sourceProbe.close();
        }
        LOG.info("server stopped");
    }
}
