package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.Main;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** An unusable configuration ends the process with code 2 and one line, no stack trace. */
class MainTest {

    @TempDir
    Path dir;

    @Test
    void aBadConfigurationExitsWithCode2AndOneLine() throws IOException {
        Path file = dir.resolve("cdc.yaml");
        Files.writeString(file, "metaStoreConfig:\n  storeType: redis\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream original = System.err;
        int code;
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            code = new CommandLine(new Main()).execute("--config", file.toString());
        } finally {
            System.setErr(original);
        }

        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("milvus-cdc: invalid configuration: "
                + "metaStoreConfig.storeType: 'redis' is not one of embedded, mysql, etcd" + System.lineSeparator());
    }
}
