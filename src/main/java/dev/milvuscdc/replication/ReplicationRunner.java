package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.pipeline.PositionCommitter;
import dev.milvuscdc.sink.MilvusTargetConnection;
import dev.milvuscdc.sink.MilvusTargetWriter;
import dev.milvuscdc.sink.RetriableTargetException;
import dev.milvuscdc.sink.TargetConnectException;
import dev.milvuscdc.source.log.KafkaChannelReader;
import dev.milvuscdc.source.meta.MetaChange;
import dev.milvuscdc.source.meta.SourceMetadata;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskRunner;
import dev.milvuscdc.task.TaskScope;
import dev.milvuscdc.task.TaskStatusListener;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane of one task: a thread per source channel, one for metadata changes, and a
 * scheduled flush of positions. {@link #start()} fixes the channel positions before it returns
 * (the stored ones, or the channels' ends for a new task, written at once), so that nothing written
 * to the source after {@code create} answers is missed; connecting to the target and the source's
 * etcd then happens in the background, retried until it works or the task is stopped.
 * {@link #stop()} may be called from any thread, including one of the task's own.
 */
public final class ReplicationRunner implements TaskRunner {

    private static final Logger log = LoggerFactory.getLogger(ReplicationRunner.class);
    private static final long JOIN_MILLIS = 15_000;

    private final TaskRecord task;
    private final TaskStatusListener listener;
    private final ReplicationSettings settings;
    private final TaskStore store;
    private final CdcMetrics metrics;
    private final Retrier retrier;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<KafkaChannelReader, ChannelPosition> readers = new LinkedHashMap<>();
    private PositionCommitter committer;
    private ScheduledExecutorService flusher;
    private volatile MilvusTargetConnection connection;
    private volatile SourceMetadata metadata;
    private boolean stopped;
    private boolean readersHandedOver;

    ReplicationRunner(TaskRecord task, TaskStatusListener listener, ReplicationSettings settings, TaskStore store,
            CdcMetrics metrics) {
        this.task = task;
        this.metrics = metrics;
        this.listener = listener;
        this.settings = settings;
        this.store = store;
        this.retrier = new Retrier(listener, settings.initialBackoff(), settings.maxBackoff());
    }

    @Override
    public synchronized void start() {
        Map<String, ChannelPosition> stored = store.positions(task.taskId());
        committer = new PositionCommitter(stored, batch -> store.savePositions(task.taskId(), batch));
        try {
            for (String channel : channels()) {
                KafkaChannelReader reader = new KafkaChannelReader(settings.kafka(), channel);
                ChannelPosition position;
                try {
                    position = reader.seekAfter(Optional.ofNullable(stored.get(channel)));
                } catch (RuntimeException e) {
                    reader.close();
                    throw e;
                }
                readers.put(reader, position);
                if (!stored.containsKey(channel)) {
                    committer.acknowledged(position);
                }
            }
            committer.flush();
        } catch (RuntimeException e) {
            readers.keySet().forEach(KafkaChannelReader::close);
            readers.clear();
            throw e;
        }
        flusher = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "cdc-" + task.taskId() + "-positions"));
        long interval = settings.positionFlushInterval().toMillis();
        flusher.scheduleWithFixedDelay(this::flushPositions, interval, interval, TimeUnit.MILLISECONDS);
        Thread setup = daemon(this::connectAndRun, "cdc-" + task.taskId() + "-setup");
        threads.add(setup);
        setup.start();
        log.info("task {}: replication started on {} channels", task.taskId(), readers.size());
    }

    @Override
    public void stop() {
        List<Thread> toJoin;
        synchronized (this) {
            if (stopped || committer == null) {
                return;
            }
            stopped = true;
            toJoin = List.copyOf(threads);
        }
        toJoin.forEach(Thread::interrupt);
        for (Thread thread : toJoin) {
            if (thread != Thread.currentThread()) {
                joinQuietly(thread);
            }
        }
        flusher.shutdownNow();
        flushPositions();
        closeResources();
        log.info("task {}: replication stopped", task.taskId());
    }

    @Override
    public Map<String, ChannelPosition> positions() {
        PositionCommitter current = committer;
        return current == null ? store.positions(task.taskId()) : current.positions();
    }

    private List<String> channels() {
        List<String> channels = new ArrayList<>(settings.kafka().dmlChannels());
        channels.add(settings.kafka().replicateChannel());
        return channels;
    }

    private void connectAndRun() {
        try {
            MilvusTargetConnection target = retrier.call("connect to the target Milvus", this::openTarget);
            connection = target;
            MilvusTargetWriter writer = new MilvusTargetWriter(target);
            BlockingQueue<MetaChange> changes = new LinkedBlockingQueue<>();
            metadata = retrier.call("read the source metadata", () -> SourceMetadata.open(settings.etcd(), changes::add));
            TargetCatalog catalog = new TargetCatalog(metadata, writer, TaskScope.of(task.spec()), retrier);
            catalog.createExisting();
            startWorkers(new MetadataWorker(changes, catalog), catalog, writer);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            ReplicationWorker.reportStopped(task.taskId(), "setup", e, listener);
        }
    }

    private synchronized void startWorkers(MetadataWorker metadataWorker, TargetCatalog catalog, MilvusTargetWriter writer) {
        if (stopped) {
            return;
        }
        threads.add(ReplicationWorker.start(task.taskId(), metadataWorker, listener));
        readers.forEach((reader, start) -> {
            boolean ticked = !reader.channel().equals(settings.kafka().replicateChannel());
            ChangeApplier applier = new ChangeApplier(catalog, writer, retrier, metrics, task.taskId(), reader.channel());
            threads.add(ReplicationWorker.start(task.taskId(),
                    new ChannelWorker(reader, start, ticked, applier, committer, retrier,
                            (opType, tick) -> metrics.replicateTt(task.taskId(), reader.channel(), opType, tick.physicalMillis())),
                    listener));
        });
        readersHandedOver = true;
        log.info("task {}: connected to the target and the source metadata; replaying", task.taskId());
    }

    private MilvusTargetConnection openTarget() {
        try {
            return MilvusTargetConnection.open(task.spec().milvusConnectParam());
        } catch (TargetConnectException e) {
            throw new RetriableTargetException("connect", "target", e.getMessage(), "check the target address and credentials", e);
        }
    }

    private void flushPositions() {
        try {
            committer.flush();
        } catch (RuntimeException e) {
            log.warn("task {}: cannot store positions, will retry: {}", task.taskId(), e.getMessage());
        }
    }

    private synchronized void closeResources() {
        if (!readersHandedOver) {
            readers.keySet().forEach(KafkaChannelReader::close);
        }
        if (metadata != null) {
            metadata.close();
        }
        if (connection != null) {
            connection.close();
        }
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
