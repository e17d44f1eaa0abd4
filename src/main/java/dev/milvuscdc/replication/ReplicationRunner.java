package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.pipeline.PositionCommitter;
import dev.milvuscdc.pipeline.TickWatermarks;
import dev.milvuscdc.sink.MessageReplicator;
import dev.milvuscdc.sink.MilvusConnectException;
import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.sink.RetriableTargetException;
import dev.milvuscdc.sink.TargetConnector;
import dev.milvuscdc.sink.TargetWriter;
import dev.milvuscdc.snapshot.SnapshotSource;
import dev.milvuscdc.source.log.ChannelReader;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.source.meta.MetaChange;
import dev.milvuscdc.source.meta.SourceCatalog;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.task.FaultKind;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskRunner;
import dev.milvuscdc.task.TaskStatusListener;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The data plane of one task: a thread per source channel it reads, one for metadata changes, and
 * the store thread that flushes positions ({@link StoreWriter}).
 *
 * <p>The channels are those the task's collections use, as the source's etcd says, and the
 * replicate channel. A new task starts at their ends, fixed and stored with the task when it is
 * created ({@link StartPositions}), so that nothing written after {@code create} answers is missed,
 * whichever server runs it and however late it starts; a channel that an in-scope collection
 * starts to use later is read from that collection's first message there, or an older one's
 * ({@link StartPositions#firstRead}). A restarted task reads
 * every channel from its stored position; {@link #start()} then returns at once, and connecting to
 * the target and the source happens in the background, retried until it works, it fails for good
 * (the task pauses), or the task is stopped. A task with {@code snapshot: "initial"} first copies
 * what the source holds ({@link InitialCopy}), resumed after a restart, and reads its channels only
 * after the copy, from the positions stored when it was created.
 *
 * <p>Once a target call finds the target down or starting, the task goes back: measured on the
 * rig (docs/rig.md), a Milvus 2.3.5 target that restarts can lose writes it acknowledged in the last
 * minutes. Its stored positions are set back to where it stood {@link ReplayWindow#WINDOW} ago, no
 * later position is stored, and the task asks to be restarted: the new runner waits for the target
 * and writes those changes again (upserts and deletes, which change nothing the target kept). An
 * initial copy goes back the same way ({@link CopyProgress}), also when it finished in that window.
 *
 * <p>{@link #stop()} may be called from any thread, including one of the task's own; it interrupts
 * the task's threads and waits for them all within one deadline, then flushes the positions.
 */
public final class ReplicationRunner implements TaskRunner {

    private static final Logger log = LoggerFactory.getLogger(ReplicationRunner.class);
    private static final Duration STOP_DEADLINE = Duration.ofSeconds(10);
    /** The catalog entry where a run publishes where a later run would read again from after a target outage. */
    static final String REPLAY_FROM_KEY = "replay-from";
    private static final Duration REPLAY_FROM_EVERY = Duration.ofMinutes(1);
    private static final String REPLICATE_RESTART_HINT = "a Milvus 2.3 target can lose writes it acknowledged in the"
            + " minutes before a restart, even a clean one, and in the replicate write mode the task cannot write them"
            + " again without duplicating the rows it kept. Resume the task to go on from here, then compare the"
            + " target's collections with the source's once the source is quiet (count(*)); the ordinary write mode"
            + " (write_mode \"api\") writes such losses again by itself";
    private static final String REPLAY_EXTENT = "where it stood " + ReplayWindow.WINDOW.toMinutes()
            + " minutes ago or before an earlier target outage within those minutes";

    private final TaskRecord task;
    private final TaskStatusListener listener;
    private final ReplicationSettings settings;
    private final TaskStore store;
    private final CdcMetrics metrics;
    private final Retrier retrier;
    private final Scope scope;
    private final List<Thread> threads = new ArrayList<>();
    private final Map<String, ChannelPosition> channelsRead = new HashMap<>();
    private final AtomicBoolean restartAsked = new AtomicBoolean();
    private volatile boolean channelsOpen;
    private volatile boolean targetDownAtSetup;
    private volatile String setBackCause = "the target Milvus was unreachable when the task started";
    private volatile ReplayWindow<ChannelPosition> replayWindow;
    private volatile ProgressLine progress;
    private volatile CopyProgress copyProgress;
    private Instant replayFromPublished = Instant.EPOCH;
    /** The channels of the replay positions published last. */
    private Set<String> replayFromChannels = Set.of();
    private PositionCommitter committer;
    private StoreWriter storeWriter;
    private TargetCatalog catalog;
    private TargetWriter writer;
    /** Present in the replicate write mode ({@link MessageForwarder}, {@link ReplicateTicker}). */
    private final Optional<TickWatermarks> watermarks;
    private volatile Optional<MessageForwarder> forwarder = Optional.empty();
    private volatile AutoCloseable connection;
    private volatile SourceCatalog metadata;
    private boolean stopped;
    /** While the initial copy runs, channels are not read: they are opened from their stored positions after it. */
    private volatile boolean copying;

    ReplicationRunner(TaskRecord task, TaskStatusListener listener, ReplicationSettings settings, TaskStore store,
            CdcMetrics metrics) {
        this.task = task;
        this.metrics = metrics;
        this.listener = listener;
        this.settings = settings;
        this.store = store;
        this.scope = Scope.of(task.spec());
        this.retrier = new Retrier(listener, settings.initialBackoff(), settings.maxBackoff(), this::targetUnreachable);
        this.watermarks = task.spec().replicateWrites() ? Optional.of(new TickWatermarks()) : Optional.empty();
    }

    @Override
    public synchronized void start() {
        Map<String, ChannelPosition> stored = store.positions(task.taskId());
        if (stored.isEmpty()) {
            // A task created by a version of this server that fixed its start here.
            stored = StartPositions.find(settings, task.spec());
            store.savePositions(task.taskId(), stored.values());
        }
        committer = new PositionCommitter(stored, batch -> {
            store.savePositions(task.taskId(), batch);
            watermarks.ifPresent(marks -> marks.stored(batch));
        });
        storeWriter = new StoreWriter(store, task.taskId());
        storeWriter.scheduleEvery(settings.positionFlushInterval(), this::flushPositions);
        startThread(new Thread(this::connectAndRun, "cdc-" + task.taskId() + "-setup"));
        log.info("task {}: replication started from {} channel positions", task.taskId(), stored.size());
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
        long deadline = System.nanoTime() + STOP_DEADLINE.toNanos();
        try {
            for (Thread thread : toJoin) {
                if (thread != Thread.currentThread()) {
                    thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                }
            }
            storeWriter.stop(this::flushPositions, Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        toJoin.stream().filter(Thread::isAlive).filter(t -> t != Thread.currentThread())
                .forEach(t -> log.warn("task {}: thread {} did not stop within {} s", task.taskId(), t.getName(),
                        STOP_DEADLINE.toSeconds()));
        closeResources();
        log.info("task {}: replication stopped", task.taskId());
    }

    @Override
    public Map<String, ChannelPosition> positions() {
        PositionCommitter current = committer;
        return current == null ? store.positions(task.taskId()) : current.positions();
    }

    private void connectAndRun() {
        MDC.put("task", task.taskId());
        try {
            TargetConnector.Connected target = retrier.call("connect to the target Milvus", this::connectTarget);
            connection = target.connection();
            writer = target.writer();
            Optional<MessageReplicator> replicator = watermarks.isPresent()
                    ? Optional.of(retrier.call("check the target's replicate mode", () -> replicateTarget(target)))
                    : Optional.empty();
            BlockingQueue<MetaChange> changes = new LinkedBlockingQueue<>();
            metadata = retrier.call("read the source metadata", () -> settings.metadata().watch(changes::add));
            Map<String, String> entries = retrier.call("read the task's catalog", storeWriter::catalog);
            catalog = catalog(metadata, entries);
            forwarder = replicator.map(r -> new MessageForwarder(catalog, r, retrier, metrics, task.taskId()));
            TargetIdentity identity = targetIdentity(entries);
            Optional<String> restartUnseen = identity.changeSince(entries)
                    .map(change -> "the target Milvus restarted while the task did not watch it (" + change + ")");
            if (restartUnseen.isPresent()) {
                if (watermarks.isPresent()) {
                    pauseAfterTargetRestart(restartUnseen.get());
                    return;
                }
                targetDownAtSetup = true;
                setBackCause = restartUnseen.get();
            }
            replayWindow = new ReplayWindow<>(ReplayWindow.WINDOW, ReplayPositions.decode(entries.getOrDefault(REPLAY_FROM_KEY, "")));
            copyProgress = new CopyProgress(task.taskId(), entries, store, storeWriter);
            if (targetDownAtSetup && task.spec().snapshotInitial()) {
                setCopyBack();
            }
            if (task.spec().snapshotInitial() && !copyProgress.current().done()) {
                copyExisting();
            }
            metrics.snapshotPhase(task.taskId(), task.spec().snapshotInitial() ? 2 : 0);
            if (targetDownAtSetup) {
                Map<String, ChannelPosition> from = replayFrom();
                retrier.run("set the positions back", () -> storeWriter.run(() -> committer.rewindTo(from.values())));
                log.warn("task {}: {}; it reads again {}, {}, so that writes a restarting target lost are made again",
                        task.taskId(), setBackCause, ReplayPositions.describe(from.values(), Instant.now()), REPLAY_EXTENT);
            }
            channelsOpen = true;
            if (identity.known()) {
                retrier.run("record the target's node ids", () -> storeWriter.updateCatalog(identity.entries(),
                        identity.staleKeys()));
                startThread(ReplicationWorker.thread(task.taskId(), new TargetRestartWatch(writer, settings.targetWatchEvery(),
                        identity.dataNodes(), identity.proxy(), this::recordDataNodes, this::targetRestarted,
                        this::targetUnreachable), listener));
            }
            openStoredChannels();
            catalog.createExisting();
            startThread(ReplicationWorker.thread(task.taskId(), new MetadataWorker(changes, metadata, catalog), listener));
            if (replicator.isPresent()) {
                // The target sees a change only once a stored position covers it: the ticker stores them first.
                startThread(ReplicationWorker.thread(task.taskId(), new ReplicateTicker(watermarks.get(), forwarder.get(),
                        replicator.get(), catalog.ddl(), retrier, () -> storeWriter.run(this::flushPositions)), listener));
            }
            log.info("task {}: connected to the target and the source metadata; replaying", task.taskId());
            progress = new ProgressLine(task.taskId(), metrics, log::info, Instant.now());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            ReplicationWorker.reportStopped(task.taskId(), "setup", e, listener);
        }
    }

    /**
     * The initial copy ({@link InitialCopy}), before any channel is read: the channels' positions
     * were recorded when the task was created, so every change after them is applied after the copy.
     */
    private void copyExisting() throws InterruptedException {
        metrics.snapshotPhase(task.taskId(), 1);
        synchronized (this) {
            copying = true;
        }
        SnapshotSource.Connected source = retrier.call("connect to the source Milvus", settings.snapshotSource()::open);
        try (ChangeApplier applier = new ChangeApplier(catalog, writer, retrier, metrics, task.taskId(), "snapshot")) {
            catalog.createExisting();
            new InitialCopy(task.taskId(), metadata, catalog, source.queries(), applier, writer, retrier, metrics,
                    copyProgress).run();
        } finally {
            closeQuietly(source.connection(), "source Milvus");
        }
        synchronized (this) {
            copying = false;
        }
        log.info("task {}: initial copy done; streaming from the positions recorded before it", task.taskId());
    }

    /** The target was down when the task started: its copy goes back as its positions do. */
    private void setCopyBack() throws InterruptedException {
        boolean[] wentBack = {false};
        retrier.run("set the initial copy back", () -> storeWriter.run(() -> wentBack[0] = copyProgress.rewind(Instant.now(), false)));
        if (wentBack[0]) {
            log.warn("task {}: {}; its initial copy goes back to where it stood {} minutes ago", task.taskId(), setBackCause,
                    ReplayWindow.WINDOW.toMinutes());
        }
    }

    /** Every channel of the task from its stored position, and the replicate channel. */
    private synchronized void openStoredChannels() {
        committer.positions().keySet().forEach(channel -> openChannel(channel, null));
        openChannel(settings.log().replicateChannel(), null);
    }

    private TargetCatalog catalog(SourceCatalog source, Map<String, String> entries) {
        PartitionOwners owners = new PartitionOwners(entries, new PartitionOwners.CatalogWriter() {
            @Override
            public void put(String key, String value) throws InterruptedException {
                retrier.run("record " + key + " in the task store", () -> storeWriter.updateCatalog(Map.of(key, value), List.of()));
            }

            @Override
            public void remove(String key) throws InterruptedException {
                retrier.run("forget " + key + " in the task store", () -> storeWriter.updateCatalog(Map.of(), List.of(key)));
            }
        });
        DdlExecutor ddl = new DdlExecutor(source, writer, scope, retrier, new IdentityMap(), owners, this::readChannelsOf);
        CollectionOperations operations = new CollectionOperations(source, ddl, writer, retrier, metrics, task.taskId());
        return new TargetCatalog(source, ddl, new PartitionCopies(source, writer, retrier, owners), operations);
    }

    /**
     * A collection of the task's scope: each of its channels not read yet is read from the first
     * message there of it or of an older collection of the scope met later ({@link StartPositions#firstRead}).
     */
    private void readChannelsOf(CollectionMeta collection) {
        StartPositions starts = new StartPositions(settings.log(), metadata);
        for (String channel : collection.physicalChannels()) {
            synchronized (this) {
                if (copying && committer.positions().containsKey(channel)) {
                    continue;
                }
                if (!channelsRead.containsKey(channel)) {
                    StartPositions.FirstRead first = starts.firstRead(channel, collection, scope);
                    committer.acknowledged(first.before());
                    if (copying) {
                        continue;
                    }
                    openChannel(channel, first.before());
                    log.info("task {}: reading channel {} from the start of collection {}{}", task.taskId(), channel,
                            first.collection().name(), first.collection().id() == collection.id() ? ""
                                    : " (older than collection " + collection.name() + ", which uses it too)");
                }
            }
        }
    }

    /** Starts reading a channel after {@code standOn}, or after the stored position when null. */
    private synchronized void openChannel(String channel, ChannelPosition standOn) {
        ChannelPosition start = standOn != null ? standOn : committer.positions().get(channel);
        if (stopped || channelsRead.containsKey(channel) || start == null) {
            return;
        }
        ChannelReader reader = settings.log().open(channel);
        reader.seekAfter(start);
        channelsRead.put(channel, start);
        boolean ticked = !channel.equals(settings.log().replicateChannel());
        replayWindow.opened(channel, start);
        ChangeApplier applier = new ChangeApplier(catalog, writer, forwarder, retrier, metrics, task.taskId(), channel);
        if (ticked) {
            watermarks.ifPresent(marks -> marks.register(channel));
        }
        ChannelLag lag = new ChannelLag();
        metrics.channelOpened(task.taskId(), channel, () -> lag.seconds(System.currentTimeMillis()));
        // Only the channel's worker thread reports its ticks: a plain map keeps each op type's gauge setter.
        Map<String, LongConsumer> ticks = new HashMap<>();
        startThread(ReplicationWorker.thread(task.taskId(), new ChannelWorker(reader, start, ticked, applier, committer,
                retrier, (opType, tick) -> ticks
                        .computeIfAbsent(opType, op -> metrics.replicateTt(task.taskId(), channel, op))
                        .accept(tick.physicalMillis()),
                () -> metrics.positionLost(task.taskId(), channel), lag, watermarks), listener));
    }

    private synchronized void startThread(Thread thread) {
        if (stopped) {
            return;
        }
        thread.setDaemon(true);
        threads.add(thread);
        thread.start();
    }

    private TargetConnector.Connected connectTarget() {
        try {
            return settings.target().connect(task.spec().milvusConnectParam(), watermarks.isPresent());
        } catch (MilvusConnectException e) {
            if (e.credentialsRefused()) {
                throw new PermanentTargetException("connect", "target", e.getMessage(),
                        "Correct milvus_connect_param (re-create the task), then resume it");
            }
            throw new RetriableTargetException("connect", "target", e.getMessage(), "check the target address and credentials",
                    e, true);
        }
    }

    /**
     * The target's node ids, which {@link TargetRestartWatch} watches. The data nodes are asked only
     * when the last run recorded them and the proxy kept its id since: that question is unsafe on a
     * target that has just started (docs/rig.md), and a new proxy id tells a restart already.
     */
    private TargetIdentity targetIdentity(Map<String, String> entries) throws InterruptedException {
        try {
            Optional<Long> proxy = retrier.call("ask the target's proxy for its node id", writer::proxyId);
            Optional<String> dataNodes = Optional.empty();
            if (entries.containsKey(TargetIdentity.DATA_NODES_KEY) && !TargetIdentity.proxyChanged(entries, proxy)) {
                dataNodes = retrier.call("ask the target for its data nodes", writer::dataNodes);
            }
            return new TargetIdentity(proxy, dataNodes);
        } catch (PermanentTargetException e) {
            log.warn("task {}: the target refused to tell its node ids ({}); a target restart while the task writes"
                    + " nothing is not noticed", task.taskId(), e.getMessage());
            return TargetIdentity.NONE;
        }
    }

    /** The data nodes the watch learnt first, for a run that started without them. */
    private void recordDataNodes(String names) {
        try {
            retrier.run("record the target's data nodes", () -> storeWriter.updateCatalog(
                    Map.of(TargetIdentity.DATA_NODES_KEY, names), List.of()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The target's writer of the source's messages, once it proved to be in replicate mode; a dry run
     * has none, and a target in the normal mode refuses every such message.
     */
    private MessageReplicator replicateTarget(TargetConnector.Connected target) {
        MessageReplicator replicator = target.replicator().orElseThrow(() -> new PermanentTargetException(
                "replicate", "target", "a dry run (replication.dryRun) writes nothing, and write_mode \"replicate\" "
                + "has no dry form", "Create the task with write_mode \"api\" for a dry run"));
        if (!replicator.replicateMode()) {
            throw new PermanentTargetException("replicate", "target", "the target Milvus is not in replicate mode: it "
                    + "refuses ReplicateMessage (code 1900)", "Start the target with common.ttMsgEnabled=false in "
                    + "milvus.yaml, or re-create the task with write_mode \"api\", then resume it");
        }
        return replicator;
    }

    /**
     * In the ordinary write mode, a target found unreachable sets the task back ({@link #setBack}). Not
     * in the replicate mode: the changes read again were ticked on the target already, so writing
     * them again would duplicate them; the calls are retried until the target answers.
     */
    private void targetUnreachable() {
        if (watermarks.isPresent()) {
            return;
        }
        if (!channelsOpen && !copying) {
            targetDownAtSetup = true;
            return;
        }
        setBack("the target Milvus is unreachable");
    }

    /** The target's data nodes changed while the task ran: they may have lost what they had not persisted. */
    private void targetRestarted(String change) {
        String cause = "the target Milvus restarted (" + change + ")";
        if (watermarks.isPresent()) {
            pauseAfterTargetRestart(cause);
        } else {
            setBack(cause);
        }
    }

    /**
     * In the replicate write mode a restarted target cannot be repaired: what it lost was ticked there
     * already, and writing it again would duplicate what it kept (docs/replicate-mode.md). The task
     * pauses and says so, rather than run on while the target may lack rows. Its record of the target's
     * node ids is dropped first, so that a resume goes on from here with the restarted target.
     */
    private void pauseAfterTargetRestart(String cause) {
        if (!restartAsked.compareAndSet(false, true)) {
            return;
        }
        try {
            storeWriter.run(() -> store.updateCatalog(task.taskId(), Map.of(), TargetIdentity.KEYS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (RuntimeException e) {
            log.warn("task {}: cannot drop its record of the target's node ids ({}); a resume pauses again for the same"
                    + " restart", task.taskId(), e.getMessage());
        }
        listener.failed(FaultKind.TARGET, cause + "; " + REPLICATE_RESTART_HINT);
    }

    private void setBack(String cause) {
        if (restartAsked.compareAndSet(false, true)) {
            Map<String, ChannelPosition> from = replayFrom();
            try {
                storeWriter.run(() -> {
                    committer.freeze();
                    committer.rewindTo(from.values());
                    copyProgress.rewind(Instant.now(), true);
                    // Set back for this restart already: the next run must not take it for one it did not see.
                    store.updateCatalog(task.taskId(), Map.of(), TargetIdentity.KEYS);
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                listener.failed(FaultKind.TASK_STORE, cause + " and the task could not set its positions back to"
                        + " where it stood " + ReplayWindow.WINDOW.toMinutes() + " minutes ago: " + e.getMessage()
                        + "; resume the task once the task store answers");
                return;
            }
            String reason = cause + "; the task restarts and reads again "
                    + ReplayPositions.describe(from.values(), Instant.now()) + ", " + REPLAY_EXTENT
                    + ", so that writes a restarting target loses are made again";
            log.warn("task {}: {}", task.taskId(), reason);
            listener.restart(FaultKind.TARGET, reason);
        }
    }

    /** Where to read again from on every channel: where the task stood {@link ReplayWindow#WINDOW} ago. */
    private Map<String, ChannelPosition> replayFrom() {
        Map<String, ChannelPosition> from = new HashMap<>(committer.positions());
        from.putAll(replayWindow.replayFrom(Instant.now()));
        return from;
    }

    /**
     * Stores the positions acknowledged so far, after the replay window ({@link #recordReplayWindow}):
     * a channel read for the first time must be a place to read again from before any later
     * position of it is stored.
     */
    private void flushPositions() {
        try {
            recordReplayWindow();
            committer.flush();
            ProgressLine line = progress;
            if (line != null) {
                line.tick(Instant.now());
            }
        } catch (RuntimeException e) {
            log.warn("task {}: cannot store positions, will retry: {}", task.taskId(), e.getMessage());
        }
    }

    /**
     * Runs on the store thread: keeps the window and publishes where a later run would read again
     * from, every {@link #REPLAY_FROM_EVERY} and at once when a channel was read for the first
     * time. A later run takes a channel missing there to begin at its stored position: had a run
     * been killed after it applied a new collection's first rows but before it published the
     * channel, a target restart after that would not have made those rows again (a fault schedule
     * lost them so). Nothing before setup has read the task's catalog, where the window starts from.
     */
    private void recordReplayWindow() {
        ReplayWindow<ChannelPosition> window = replayWindow;
        CopyProgress copy = copyProgress;
        if (window == null || copy == null) {
            return;
        }
        Instant now = Instant.now();
        boolean copies = task.spec().snapshotInitial();
        window.record(now, committer.positions());
        if (copies) {
            copy.record(now);
        }
        Map<String, ChannelPosition> replayFrom = window.replayFrom(now);
        boolean due = !now.isBefore(replayFromPublished.plus(REPLAY_FROM_EVERY))
                || !replayFromChannels.containsAll(replayFrom.keySet());
        if (due && !restartAsked.get()) {
            Map<String, String> published = new HashMap<>(Map.of(REPLAY_FROM_KEY, ReplayPositions.encode(replayFrom)));
            if (copies) {
                published.putAll(copy.published(now));
            }
            store.updateCatalog(task.taskId(), published, List.of());
            replayFromPublished = now;
            replayFromChannels = Set.copyOf(replayFrom.keySet());
        }
    }

    private synchronized void closeResources() {
        if (metadata != null) {
            metadata.close();
        }
        if (connection != null) {
            closeQuietly(connection, "target");
        }
    }

    private void closeQuietly(AutoCloseable closeable, String what) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("task {}: the {} connection did not close cleanly: {}", task.taskId(), what, e.toString());
        }
    }
}
