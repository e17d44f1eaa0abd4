package dev.milvuscdc.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.milvuscdc.rig.Rig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;

/**
 * The real server in a process of its own, started like {@code scripts/run} does, on the rig's
 * source and the embedded task store in a directory that outlives the process: the process can be
 * killed with SIGKILL and started again on the same store, as an operator's crashed server would be.
 */
final class CdcProcess implements AutoCloseable {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Path config;
    private final Path log;
    private final int port;
    private Process process;

    private CdcProcess(Path config, Path log, int port) {
        this.config = config;
        this.log = log;
        this.port = port;
    }

    /** A server for the rig's source with its task store in {@code dataDir}; not started yet. */
    static CdcProcess onRig(Path dataDir) {
        try {
            ObjectNode tree = (ObjectNode) YAML.readTree(Path.of(Rig.get().cdcConfig()).toFile());
            tree.put("dataDir", dataDir.toString());
            return withConfig(dataDir, tree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rig's server config " + Rig.get().cdcConfig(), e);
        }
    }

    /**
     * A server with this configuration, listening on a free port of 127.0.0.1 (its {@code address}
     * is replaced), its file and log in {@code dir}; not started yet.
     */
    static CdcProcess withConfig(Path dir, ObjectNode config) {
        try {
            int port = freePort();
            config.put("address", "127.0.0.1:" + port);
            Files.createDirectories(dir);
            Path file = dir.resolve("cdc.yaml");
            YAML.writeValue(file.toFile(), config);
            return new CdcProcess(file, dir.resolve("server.log"), port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a server config into " + dir, e);
        }
    }

    /** Starts the server (appending to its log) and waits until {@code /health} answers. */
    CdcProcess start() {
        String java = ProcessHandle.current().info().command().orElse("java");
        try {
            process = new ProcessBuilder(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    "dev.milvuscdc.Main", "--config", config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the server", e);
        }
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("the server exited with " + process.exitValue() + "; see " + log);
            }
            return client().get("/health").status() == 200;
        });
        return this;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    CdcTestClient client() {
        return new CdcTestClient(port);
    }

    Path log() {
        return log;
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
