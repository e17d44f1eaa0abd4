package dev.milvuscdc.metrics;

import dev.milvuscdc.task.TaskState;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every metric of the server, named as the reference names them (namespace {@code milvus},
 * subsystem {@code cdc}) so existing dashboards keep working. Scraped at {@code /cdc/metrics}.
 */
public final class CdcMetrics {

    /** Reported as the state of a task that no longer exists, as the reference does. */
    private static final long DELETED = -1;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Map<String, AtomicLong> taskStates = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> gauges = new ConcurrentHashMap<>();

    public CdcMetrics() {
        for (TaskState state : TaskState.values()) {
            Gauge.builder("milvus.cdc.task.num", () -> countTasksIn(state))
                    .description("number of tasks per state")
                    .tag("task_state", state.name())
                    .register(registry);
        }
    }

    /** The Prometheus text exposition of every metric. */
    public String scrape() {
        return registry.scrape();
    }

    public void taskState(String taskId, TaskState state) {
        taskStateHolder(taskId).set(state.ordinal());
    }

    public void taskDeleted(String taskId) {
        taskStateHolder(taskId).set(DELETED);
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

    /** Rows applied to the target; {@code apiType} is {@code insert} or {@code delete}. */
    public void rowsReplicated(String taskId, long collectionId, String collectionName, String apiType, long rows) {
        Counter.builder("milvus.cdc.replicate.data.cnt")
                .description("rows replicated")
                .tags("task_id", taskId, "collection_id", Long.toString(collectionId),
                        "collection_name", collectionName, "op_type", "write", "api_type", apiType)
                .register(registry).increment(rows);
    }

    /** Bytes read ({@code op_type} {@code read}) or written ({@code write}) per channel. */
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

    /** A channel's position was no longer in the source's log: the task stopped rather than skip changes. */
    public void positionLost(String taskId, String channel) {
        Counter.builder("milvus.cdc.position.lost")
                .description("positions the source's log no longer held (the task paused instead of skipping changes)")
                .tags("task_id", taskId, "channel_name", channel)
                .register(registry).increment();
    }

    /** Physical milliseconds of the last time tick read or written on a channel. */
    public void replicateTt(String taskId, String channel, String opType, long physicalMillis) {
        gauge("milvus.cdc.replicate.tt", "physical ms of the last replicated time tick",
                Tags.of("task_id", taskId, "vchannel_name", channel, "op_type", opType)).set(physicalMillis);
    }

    /** Physical milliseconds of the last time tick sent to a target channel. */
    public void centerTt(String channel, long physicalMillis) {
        gauge("milvus.cdc.center.tt", "physical ms of the last time tick sent per target channel",
                Tags.of("channel_name", channel)).set(physicalMillis);
    }

    private AtomicLong taskStateHolder(String taskId) {
        return taskStates.computeIfAbsent(taskId, id -> gauge("milvus.cdc.task.state",
                "state of a task: 0 Initial, 1 Running, 2 Paused, -1 deleted", Tags.of("task_id", id)));
    }

    private AtomicLong gauge(String name, String description, Tags tags) {
        return gauges.computeIfAbsent(name + tags, key -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder(name, value, AtomicLong::doubleValue).description(description).tags(tags).register(registry);
            return value;
        });
    }

    private long countTasksIn(TaskState state) {
        return taskStates.values().stream().filter(v -> v.get() == state.ordinal()).count();
    }
}
