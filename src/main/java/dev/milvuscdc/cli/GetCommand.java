package dev.milvuscdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "get", description = "One task: its state, target, collections, initial copy and positions.")
final class GetCommand extends ServerCommand {

    @Parameters(paramLabel = "TASK_ID", description = "the task")
    String taskId;

    @Override
    void run(CdcClient client) throws CdcClientException {
        JsonNode task = client.call("get", taskId(taskId)).path("task");
        JsonNode positions = client.call("position", taskId(taskId)).path("positions");
        if (root.json) {
            JsonNode both = root.mapper.createObjectNode().<com.fasterxml.jackson.databind.node.ObjectNode>set("task", task)
                    .set("positions", positions);
            printJson(both);
            return;
        }
        TaskSummary summary = TaskSummary.of(task);
        TextTable fields = new TextTable("TASK", summary.id())
                .row("state", summary.state())
                .row("reason", summary.reason())
                .row("target", summary.target())
                .row("collections", summary.scope())
                .row("initial copy", summary.snapshot().isEmpty() ? "none" : summary.snapshot());
        out().print(fields.render());
        TextTable channels = new TextTable("CHANNEL", "LAST APPLIED (SOURCE TIME)", "MESSAGE ID");
        for (JsonNode position : positions) {
            long time = position.path("time").asLong();
            channels.row(position.path("channel_name").asText(), time > 0 ? Instant.ofEpochMilli(time).toString() : "",
                    position.path("msg_id").asText());
        }
        out().println();
        out().print(channels.render());
    }
}
