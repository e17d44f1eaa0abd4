package dev.milvuscdc.metrics;

import dev.milvuscdc.task.FaultKind;
import dev.milvuscdc.task.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.LongConsumer;

/**
 * Every metric of the server, named as the reference names them (namespace {@code milvus},
 * subsystem {@code cdc}) so existing dashboards keep working. Scraped at {@code /cdc/metrics}.
 */
public final class CdcMetrics {

    /** Reported as the state of a task that no longer exists, as the reference does. */
    private static final long DELETED = -1;
    private static final String TASK_STATE = "milvus.cdc.task.state";
    private static final String LAG = "milvus.cdc.lag.seconds";
    private static final String ROWS = "milvus.cdc.replicate.data.cnt";
    private static final String RETRIES = "milvus.cdc.task.retries";
    private static final String RESTARTS = "milvus.cdc.task.restarts";
    private static final String PAUSES = "milvus.cdc.task.pauses";
    private static final String HOLD = "milvus.cdc.task.hold";
    private static final Map<String, String> FAULT_COUNTERS = Map.of(
            RETRIES, "tries that failed on a fault time may cure, and were retried (the task stays Running)",
            RESTARTS, "restarts of a task from its stored positions after a fault (the task stays Running)",
            PAUSES, "pauses of a task, by a fault or through the API (kind manual)");
    /** The {@code kind} of a pause requested through the API. */
    public static final String MANUAL = "manual";
    /** Counters the reference exposes without the {@code _total} suffix. */
    private static final List<String> REFERENCE_COUNTER_NAMES = List.of("milvus_cdc_replicate_data_cnt",
            "milvus_cdc_replicate_data_size");

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> taskStates = new ConcurrentHashMap<>();
    private final Map<GaugeKey, AtomicLong> gauges = new ConcurrentHashMap<>();
    private final Map<GaugeKey, AtomicReference<DoubleSupplier>> lags = new ConcurrentHashMap<>();

    private record GaugeKey(String name, Tags tags) {
        boolean ofTask(String taskId) {
            return tags.stream().anyMatch(tag -> tag.getKey().equals("task_id") && tag.getValue().equals(taskId));
        }
    }

    public CdcMetrics() {
        for (TaskState state : TaskState.values()) {
            Gauge.builder("milvus.cdc.task.num", () -> countTasksIn(state))
                    .description("number of tasks per state")
                    .tag("task_state", state.name())
                    .register(registry);
        }
    }

    /**
     * The Prometheus text exposition of every metric. The reference's two data counters are shown
     * twice: under the names this Prometheus client gives counters ({@code _total}), and under the
     * reference's own names, which its dashboards query.
     */
    public String scrape() {
        String scrape = registry.scrape();
        StringBuilder withReferenceNames = new StringBuilder(scrape);
        for (String family : REFERENCE_COUNTER_NAMES) {
            String prefix = family + "_total{";
            List<String> samples = scrape.lines().filter(line -> line.startsWith(prefix)).toList();
            if (!samples.isEmpty()) {
                withReferenceNames.append("# TYPE ").append(family).append(" counter\n");
                samples.forEach(line -> withReferenceNames.append(family).append(line.substring(family.length() + "_total".length()))
                        .append('\n'));
            }
        }
        return withReferenceNames.toString();
    }

    public void taskState(String taskId, TaskState state) {
        if (!taskStates.containsKey(taskId) || taskStates.get(taskId).get() == DELETED) {
            faultCountersFrom0(taskId);
        }
        taskStateHolder(taskId).set(state.ordinal());
    }

    /** A try that failed on a fault that time may cure; the task stays Running. */
    public void taskRetried(String taskId, String kind) {
        faultCounter(RETRIES, taskId, kind).increment();
    }

    /** The task restarted itself (from its stored positions) after a fault; it stays Running. */
    public void taskRestarted(String taskId, String kind) {
        faultCounter(RESTARTS, taskId, kind).increment();
    }

    /** The task was paused: by a fault ({@code kind} says which) or through the API ({@code manual}). */
    public void taskPaused(String taskId, String kind) {
        faultCounter(PAUSES, taskId, kind).increment();
    }

    /** Every kind from 0, so that a dashboard's rates and increases start with the task. */
    private void faultCountersFrom0(String taskId) {
        for (FaultKind kind : FaultKind.values()) {
            for (String name : FAULT_COUNTERS.keySet()) {
                faultCounter(name, taskId, kind.label());
            }
        }
        faultCounter(PAUSES, taskId, MANUAL);
    }

    private Counter faultCounter(String name, String taskId, String kind) {
        return Counter.builder(name).description(FAULT_COUNTERS.get(name)).tags("task_id", taskId, "kind", kind)
                .register(registry);
    }

    /**
     * The task's state becomes {@value #DELETED}, as the reference reports it; every other series of
     * the task goes, so that a dashboard does not show a deleted task's last values for ever.
     */
    public void taskDeleted(String taskId) {
        taskStateHolder(taskId).set(DELETED);
        for (Meter meter : registry.getMeters()) {
            Meter.Id id = meter.getId();
            if (taskId.equals(id.getTag("task_id")) && !id.getName().equals(TASK_STATE)) {
                registry.remove(meter);
            }
        }
        gauges.keySet().removeIf(key -> key.ofTask(taskId));
        lags.keySet().removeIf(key -> key.ofTask(taskId));
    }

    /**
     * A channel a task reads: its lag, seconds the target is behind the source there (now minus the
     * source time of the oldest change it does not hold yet, 0 when it holds everything), and its
     * count of lost positions, from 0 so that a rate has a start. A restarted channel replaces the
     * lag reading of the one before it.
     */
    public void channelOpened(String taskId, String channel, DoubleSupplier lagSeconds) {
        Tags tags = Tags.of("task_id", taskId, "channel_name", channel);
        lags.computeIfAbsent(new GaugeKey(LAG, tags), key -> {
            AtomicReference<DoubleSupplier> reading = new AtomicReference<>(() -> 0);
            Gauge.builder(LAG, reading, r -> r.get().getAsDouble())
                    .description("seconds the target is behind: now minus the source time of the oldest change it does not hold")
                    .tags(tags).register(registry);
            return reading;
        }).set(lagSeconds);
        positionLostCounter(taskId, channel);
    }

    public void request(String requestType, String status) {
        Counter.builder("milvus.cdc.request")
                .description("requests to /cdc by type and status")
                .tags("request_type", requestType, "request_status", status)
                .register(registry).increment();
    }

    public void requestLatency(String requestType, long millis) {
        DistributionSummary.builder("milvus.cdc.request.latency")
                .description("latency of successful /cdc requests in milliseconds")
                .serviceLevelObjectives(1, 2, 4, 8, 16, 32, 64, 128)
                .tag("request_type", requestType)
                .register(registry).record(millis);
    }

    /** Rows the task applied to the target since the server started (inserts and deletes). */
    public double rowsApplied(String taskId) {
        return registry.find(ROWS).tag("task_id", taskId).counters().stream().mapToDouble(Counter::count).sum();
    }

    /** The largest lag of the task's channels, 0 when it has none. */
    public double lagSeconds(String taskId) {
        return lags.entrySet().stream().filter(e -> e.getKey().ofTask(taskId))
                .mapToDouble(e -> e.getValue().get().getAsDouble()).max().orElse(0);
    }

    /** Rows applied to the target; {@code apiType} is {@code insert} or {@code delete}. */
    public void rowsReplicated(String taskId, long collectionId, String collectionName, String apiType, long rows) {
        Counter.builder(ROWS)
                .description("rows replicated")
                .tags("task_id", taskId, "collection_id", Long.toString(collectionId),
                        "collection_name", collectionName, "op_type", "write", "api_type", apiType)
                .register(registry).increment(rows);
    }

    /**
     * Bytes of row changes read ({@code op_type} {@code read}) or written to the target ({@code write})
     * per channel; {@code msgType} is {@code insert} or {@code delete}.
     */
    public void dataSize(String taskId, String channel, String opType, String msgType, long bytes) {
        Counter.builder("milvus.cdc.replicate.data.size")
                .description("bytes replicated")
                .tags("task_id", taskId, "vchannel_name", channel, "op_type", opType, "msg_type", msgType)
                .register(registry).increment(bytes);
    }

    /** Calls made to the target API, e.g. {@code insert}, {@code create_collection}. */
    public void apiExecuted(String taskId, String apiType) {
        Counter.builder("milvus.cdc.api.execute")
                .description("target API calls")
                .tags("task_id", taskId, "api_type", apiType)
                .register(registry).increment();
    }

    /** Rows the initial copy of a task ({@code snapshot: "initial"}) wrote to the target. */
    public void snapshotRows(String taskId, String collectionName, long rows) {
        Counter.builder("milvus.cdc.snapshot.rows")
                .description("rows written by the initial copy")
                .tags("task_id", taskId, "collection_name", collectionName)
                .register(registry).increment(rows);
    }

    /** Where a task's initial copy stands: 0 none (snapshot never), 1 copying, 2 streaming after the copy. */
    public void snapshotPhase(String taskId, int phase) {
        gauge("milvus.cdc.snapshot.phase", "initial copy of a task: 0 none, 1 copying, 2 streaming after the copy",
                Tags.of("task_id", taskId)).set(phase);
    }

    /** Rows of inserts applied ahead of the time tick that releases them. */
    public void rowsAhead(String taskId, String channel, long rows) {
        Counter.builder("milvus.cdc.ahead.rows")
                .description("rows of inserts applied before the time tick that releases them")
                .tags("task_id", taskId, "channel_name", channel)
                .register(registry).increment(rows);
    }

    /**
     * Rows applied ahead of their tick that a delete released after them made the CDC write again, as
     * upserts: the price of going ahead, high when a stream upserts the keys it has just inserted.
     */
    public void aheadRowsRewritten(String taskId, String channel, long rows) {
        Counter.builder("milvus.cdc.ahead.rewritten.rows")
                .description("rows applied ahead of their time tick and written again after a delete released later")
                .tags("task_id", taskId, "channel_name", channel)
                .register(registry).increment(rows);
    }

    /** A channel's position was no longer in the source's log: the task stopped rather than skip changes. */
    public void positionLost(String taskId, String channel) {
        positionLostCounter(taskId, channel).increment();
    }

    private Counter positionLostCounter(String taskId, String channel) {
        return Counter.builder("milvus.cdc.position.lost")
                .description("positions the source's log no longer held (the task paused instead of skipping changes)")
                .tags("task_id", taskId, "channel_name", channel)
                .register(registry);
    }

    /**
     * This server runs the task under the hold with fencing token {@code token}: with several servers on
     * one store, a task whose series shows on two servers at once would have run twice.
     */
    public void taskHeld(String taskId, long token) {
        gauge(HOLD, "fencing token of the hold under which this server runs the task; absent while it does not",
                Tags.of("task_id", taskId)).set(token);
    }

    /** This server no longer runs the task: its hold series goes. */
    public void taskNotHeld(String taskId) {
        GaugeKey key = new GaugeKey(HOLD, Tags.of("task_id", taskId));
        if (gauges.remove(key) != null) {
            Meter meter = registry.find(HOLD).tags(key.tags()).gauge();
            if (meter != null) {
                registry.remove(meter);
            }
        }
    }

    /**
     * Where a channel's worker sets the physical milliseconds of the last time tick read or written there,
     * several times a second: the gauge is looked up once, when the worker asks for this setter, not at every tick.
     */
    public LongConsumer replicateTt(String taskId, String channel, String opType) {
        return gauge("milvus.cdc.replicate.tt", "physical ms of the last replicated time tick",
                Tags.of("task_id", taskId, "vchannel_name", channel, "op_type", opType))::set;
    }

    private AtomicLong taskStateHolder(String taskId) {
        return taskStates.computeIfAbsent(taskId, id -> gauge(TASK_STATE,
                "state of a task: 0 Initial, 1 Running, 2 Paused, -1 deleted", Tags.of("task_id", id)));
    }

    private AtomicLong gauge(String name, String description, Tags tags) {
        return gauges.computeIfAbsent(new GaugeKey(name, tags), key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::doubleValue).description(description).tags(tags).register(registry);
            return value;
        });
    }

    private long countTasksIn(TaskState state) {
        return taskStates.values().stream().filter(v -> v.get() == state.ordinal()).count();
    }
}
