package dev.milvuscdc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "delete", description = "Stop a task and remove it with its positions (the target's data stays).")
final class DeleteCommand extends TaskActionCommand {

    @Option(names = "--ignore-not-found", description = "succeed when no such task exists")
    boolean ignoreNotFound;

    @Override
    ObjectNode requestData(ObjectNode withTaskId) {
        return ignoreNotFound ? withTaskId.put("ignore_not_found", true) : withTaskId;
    }

    @Override
    String done() {
        return "deleted";
    }
}
