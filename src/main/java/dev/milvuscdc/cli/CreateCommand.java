package dev.milvuscdc.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

@Command(name = "create", description = "Create a task from the request data of the API's create request (see the README).")
final class CreateCommand extends ServerCommand {

    static final class Source {
        @Option(names = "--data", paramLabel = "JSON", required = true, description = "the request data, inline")
        String data;

        @Option(names = "--file", paramLabel = "FILE", required = true, description = "a file holding the request data, - for standard input")
        Path file;
    }

    @ArgGroup(multiplicity = "1")
    Source source;

    @Override
    void run(CdcClient client) throws CdcClientException {
        JsonNode answer = client.call("create", requestData());
        if (root.json) {
            printJson(answer);
        } else {
            out().println("created task " + answer.path("task_id").asText());
        }
    }

    private ObjectNode requestData() {
        String text;
        try {
            text = source.data != null ? source.data
                    : "-".equals(source.file.toString()) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(source.file);
        } catch (IOException e) {
            throw new ParameterException(spec.commandLine(), "cannot read " + source.file + ": " + e.getMessage());
        }
        JsonNode parsed;
        try {
            parsed = root.mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ParameterException(spec.commandLine(), "the request data is not JSON: " + e.getOriginalMessage());
        }
        if (parsed == null || !parsed.isObject()) {
            throw new ParameterException(spec.commandLine(), "the request data must be a JSON object, such as"
                    + " {\"milvus_connect_param\":{\"uri\":\"http://target:19530\"},\"collection_infos\":[{\"name\":\"*\"}]}");
        }
        return (ObjectNode) parsed;
    }
}
