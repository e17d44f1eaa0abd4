package dev.milvuscdc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** A subcommand that sends requests to the server; a refused request prints the server's message. */
abstract class ServerCommand implements Callable<Integer> {

    static final int REFUSED = 1;

    @ParentCommand
    CdcCli root;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try {
            run(root.client());
            return 0;
        } catch (CdcClientException e) {
            spec.commandLine().getErr().println("cdc " + spec.name() + ": "
                    + (e.code() == 0 ? "" : "code " + e.code() + ": ") + e.getMessage());
            return REFUSED;
        }
    }

    abstract void run(CdcClient client) throws CdcClientException, InterruptedException;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    void printJson(JsonNode node) {
        try {
            out().println(root.mapper.writerWithDefaultPrettyPrinter().writeValueAsString(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a parsed JSON tree always serializes", e);
        }
    }

    /** {@code {"task_id": id}}, the request data of most operations. */
    com.fasterxml.jackson.databind.node.ObjectNode taskId(String id) {
        return root.mapper.createObjectNode().put("task_id", id);
    }
}
