package dev.milvuscdc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.CdcServer;
import dev.milvuscdc.server.FakeRunners;
import dev.milvuscdc.server.TestServers;
import dev.milvuscdc.store.InMemoryTaskStore;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;
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
    void theApiTokenComesFromTheEnvironmentsVariable() throws Exception {
        try (CdcServer server = TestServers.start(TestServers.config(Map.of("CDC_APITOKEN", "tok-9")), new InMemoryTaskStore(),
                new FakeRunners())) {
            String url = "http://127.0.0.1:" + server.port();
            for (String token : new String[] {null, "wrong"}) {
                CdcCli root = new CdcCli();
                root.apiToken = token;
                StringWriter err = new StringWriter();
                CommandLine cli = new CommandLine(root);
                cli.setErr(new PrintWriter(err, true));
                assertThat(cli.execute("--url", url, "list")).isEqualTo(1);
                assertThat(err.toString().strip()).isEqualTo("cdc list: code 401: the server at " + url
                        + " requires an API token: set CDC_APITOKEN to the apiToken of its configuration");
            }
            CdcCli root = new CdcCli();
            root.apiToken = "tok-9";
            StringWriter out = new StringWriter();
            CommandLine cli = new CommandLine(root);
            cli.setOut(new PrintWriter(out, true));
            assertThat(cli.execute("--url", url, "list", "--json")).isZero();
            assertThat(out.toString()).contains("\"tasks\" : [ ]");
        }
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
