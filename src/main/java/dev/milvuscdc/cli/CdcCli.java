package dev.milvuscdc.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code scripts/cdc}: the server's {@code /cdc} operations from a shell, as tables for a person or
 * as the API's JSON ({@code --json}) for a script. It speaks only HTTP to a running server, so it
 * depends on no other package of this project; its errors are the server's own codes and messages.
 */
@Command(name = "cdc", mixinStandardHelpOptions = true, versionProvider = BuildVersion.class, sortOptions = false,
        description = "Manage the tasks of a milvus-cdc server through its HTTP API.",
        subcommands = {ListCommand.class, GetCommand.class, CreateCommand.class, PauseCommand.class,
                ResumeCommand.class, DeleteCommand.class, WatchCommand.class},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:done", "1:the server refused the request or could not be reached", "2:invalid arguments"})
public final class CdcCli {

    static final String DEFAULT_URL = "http://127.0.0.1:8444";
    /** The variable that also sets the server's apiToken, so one export serves both. */
    static final String API_TOKEN_VARIABLE = "CDC_APITOKEN";

    @Option(names = "--url", scope = ScopeType.INHERIT, paramLabel = "URL",
            defaultValue = "${env:CDC_SERVER_URL:-" + DEFAULT_URL + "}",
            description = "the server (default: CDC_SERVER_URL, else ${DEFAULT-VALUE})")
    URI url;

    @Option(names = "--json", scope = ScopeType.INHERIT,
            description = "print the API's answer (its data) as JSON instead of a table")
    boolean json;

    /** The server's {@code apiToken}, from the environment only: a command line is visible to every user. */
    String apiToken = System.getenv(API_TOKEN_VARIABLE);

    final ObjectMapper mapper = new ObjectMapper();

    CdcClient client() {
        return new CdcClient(url, apiToken, mapper);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new CdcCli());
    }
}
