package dev.milvuscdc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Arguments the CLI refuses before it sends anything: no server is needed, none is reached. */
class CdcCliTest {

    private static final String NO_SERVER = "http://127.0.0.1:1";

    private static String[] refused(String... args) {
        StringWriter err = new StringWriter();
        CommandLine cli = CdcCli.commandLine();
        cli.setErr(new PrintWriter(err, true));
        cli.setOut(new PrintWriter(new StringWriter(), true));
        int exit = cli.execute(args);
        return new String[] {Integer.toString(exit), err.toString()};
    }

    @Test
    void createNeedsExactlyOneSourceOfRequestData() {
        assertThat(refused("--url", NO_SERVER, "create")).satisfies(r -> {
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[1]).contains("Error: Missing required argument (specify one of these): (--data=JSON | --file=FILE)");
        });
        assertThat(refused("--url", NO_SERVER, "create", "--data", "{}", "--file", "x.json")[1])
                .contains("mutually exclusive");
    }

    @Test
    void requestDataMustBeAJsonObject() {
        assertThat(refused("--url", NO_SERVER, "create", "--data", "{not json")).satisfies(r -> {
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[1]).contains("the request data is not JSON: ");
        });
        assertThat(refused("--url", NO_SERVER, "create", "--data", "[1]")[1]).contains("the request data must be a JSON object");
        assertThat(refused("--url", NO_SERVER, "create", "--file", "/no/such/file.json")[1]).contains("cannot read /no/such/file.json");
    }

    @Test
    void theUrlDefaultsToTheLocalServer() {
        CdcCli root = new CdcCli();
        new CommandLine(root).parseArgs("list");
        assertThat(root.url.toString()).isEqualTo(System.getenv().getOrDefault("CDC_SERVER_URL", CdcCli.DEFAULT_URL));
        CdcCli named = new CdcCli();
        new CommandLine(named).parseArgs("list", "--url", "http://cdc.example:9000", "--json");
        assertThat(named.url.toString()).isEqualTo("http://cdc.example:9000");
        assertThat(named.json).isTrue();
    }
}
