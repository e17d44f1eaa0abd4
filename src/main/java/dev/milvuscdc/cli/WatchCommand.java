package dev.milvuscdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A view that refreshes: every task's state, how far its target is behind (the largest
 * {@code milvus_cdc_lag_seconds} of its channels) and the rows it applied per second, measured between
 * two readings of the server's row counters ({@code milvus_cdc_replicate_data_cnt_total}).
 */
@Command(name = "watch", description = "Every task's state, lag and rows applied per second, refreshed until interrupted.")
final class WatchCommand extends ServerCommand {

    static final String ROWS_METRIC = "milvus_cdc_replicate_data_cnt_total";
    static final String LAG_METRIC = "milvus_cdc_lag_seconds";
    private static final String CLEAR_SCREEN = "\033[H\033[2J";

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "2", description = "seconds between readings (default ${DEFAULT-VALUE})")
    double intervalSeconds;

    @Option(names = "--count", paramLabel = "N", defaultValue = "0", description = "stop after N readings (default: never)")
    int count;

    @Override
    void run(CdcClient client) throws CdcClientException, InterruptedException {
        if (intervalSeconds <= 0) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--interval must be positive");
        }
        Map<String, Double> previousRows = null;
        long previousNanos = 0;
        for (int reading = 1; count == 0 || reading <= count; reading++) {
            if (reading > 1) {
                Thread.sleep((long) (intervalSeconds * 1000));
            }
            JsonNode tasks = client.call("list", root.mapper.createObjectNode()).path("tasks");
            PrometheusSamples metrics = PrometheusSamples.parse(client.metrics());
            Map<String, Double> rows = metrics.sumBy(ROWS_METRIC, "task_id");
            long nanos = System.nanoTime();
            double seconds = (nanos - previousNanos) / 1e9;
            print(tasks, metrics.maxBy(LAG_METRIC, "task_id"), rows, previousRows, seconds);
            previousRows = rows;
            previousNanos = nanos;
        }
    }

    private void print(JsonNode tasks, Map<String, Double> lags, Map<String, Double> rows, Map<String, Double> previousRows,
            double seconds) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        ObjectNode frame = root.mapper.createObjectNode().put("time", now.toString());
        ArrayNode taskRates = frame.putArray("tasks");
        TextTable table = new TextTable("TASK ID", "STATE", "LAG (S)", "ROWS/S", "ROWS APPLIED", "REASON");
        for (JsonNode task : tasks) {
            TaskSummary summary = TaskSummary.of(task);
            long applied = Math.round(rows.getOrDefault(summary.id(), 0.0));
            Double rate = previousRows == null ? null
                    : Math.max(0, rows.getOrDefault(summary.id(), 0.0) - previousRows.getOrDefault(summary.id(), 0.0)) / seconds;
            Double lag = lags.get(summary.id());
            ObjectNode taskRate = taskRates.addObject().put("task_id", summary.id()).put("state", summary.state())
                    .put("rows_applied", applied);
            if (lag != null) {
                taskRate.put("lag_seconds", lag);
            }
            if (rate != null) {
                taskRate.put("rows_per_s", Math.round(rate * 10) / 10.0);
            }
            table.row(summary.id(), summary.state(), oneDecimal(lag), oneDecimal(rate), Long.toString(applied), summary.reason());
        }
        if (root.json) {
            out().println(frame);
        } else {
            out().print((System.console() != null ? CLEAR_SCREEN : "\n") + now + "  " + root.url + "\n" + table.render());
        }
        out().flush();
    }

    private static String oneDecimal(Double value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%.1f", value);
    }
}
