package dev.milvuscdc.cli;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.Command;

@Command(name = "list", description = "Every task with its state, target, collections and the reason it paused.")
final class ListCommand extends ServerCommand {

    @Override
    void run(CdcClient client) throws CdcClientException {
        JsonNode data = client.call("list", root.mapper.createObjectNode());
        if (root.json) {
            printJson(data);
            return;
        }
        TextTable table = new TextTable("TASK ID", "STATE", "TARGET", "COLLECTIONS", "REASON");
        for (JsonNode task : data.path("tasks")) {
            TaskSummary summary = TaskSummary.of(task);
            table.row(summary.id(), summary.state(), summary.target(), summary.scope(), summary.reason());
        }
        out().print(table.render());
    }
}
