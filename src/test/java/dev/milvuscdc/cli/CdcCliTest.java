package dev.milvuscdc.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.CdcServer;
import dev.milvuscdc.server.FakeRunners;
import dev.milvuscdc.server.TestServers;
import dev.milvuscdc.store.InMemoryTaskStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** Arguments the CLI refuses before it sends anything: no server is needed, none is reached. */
class CdcCliTest {

    private static final String NO_SERVER = "http://127.0.0.1:1";

    private static CliRun refused(String... args) {
        return CliRun.of(CdcCli.commandLine(), args);
    }

    @Test
    void createNeedsExactlyOneSourceOfRequestData() {
        assertThat(refused("--url", NO_SERVER, "create")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("Error: Missing required argument (specify one of these): (--data=JSON | --file=FILE)");
        });
        assertThat(refused("--url", NO_SERVER, "create", "--data", "{}", "--file", "x.json").err())
                .contains("mutually exclusive");
    }

    @Test
    void requestDataMustBeAJsonObject() {
        assertThat(refused("--url", NO_SERVER, "create", "--data", "{not json")).satisfies(r -> {
            assertThat(r.exit()).isEqualTo(2);
            assertThat(r.err()).contains("the request data is not JSON: ");
        });
        assertThat(refused("--url", NO_SERVER, "create", "--data", "[1]").err()).contains("the request data must be a JSON object");
        assertThat(refused("--url", NO_SERVER, "create", "--file", "/no/such/file.json").err()).contains("cannot read /no/such/file.json");
    }

    @Test
    void theApiTokenComesFromTheEnvironmentsVariable() throws Exception {
        try (CdcServer server = TestServers.start(TestServers.config(Map.of("CDC_APITOKEN", "tok-9")), new InMemoryTaskStore(),
                new FakeRunners())) {
            String url = "http://127.0.0.1:" + server.port();
            for (String token : new String[] {null, "wrong"}) {
                CdcCli root = new CdcCli();
                root.apiToken = token;
                CliRun run = CliRun.of(new CommandLine(root), "--url", url, "list");
                assertThat(run.exit()).isEqualTo(1);
                assertThat(run.err().strip()).isEqualTo("cdc list: code 401: the server at " + url
                        + " requires an API token: set CDC_APITOKEN to the apiToken of its configuration");
            }
            CdcCli root = new CdcCli();
            root.apiToken = "tok-9";
            CliRun run = CliRun.of(new CommandLine(root), "--url", url, "list", "--json");
            assertThat(run.exit()).isZero();
            assertThat(run.out()).contains("\"tasks\" : [ ]");
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
