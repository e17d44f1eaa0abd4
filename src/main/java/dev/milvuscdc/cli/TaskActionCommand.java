package dev.milvuscdc.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine.Parameters;

/** A request on one task that answers nothing but success: pause, resume, delete. */
abstract class TaskActionCommand extends ServerCommand {

    @Parameters(paramLabel = "TASK_ID", description = "the task")
    String taskId;

    @Override
    final void run(CdcClient client) throws CdcClientException {
        client.call(spec.name(), requestData(taskId(taskId)));
        if (root.json) {
            printJson(root.mapper.createObjectNode());
        } else {
            out().println(done() + " task " + taskId);
        }
    }

    ObjectNode requestData(ObjectNode withTaskId) {
        return withTaskId;
    }

    abstract String done();
}
