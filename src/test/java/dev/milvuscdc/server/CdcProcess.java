package dev.milvuscdc.server;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.milvuscdc.rig.FreePorts;
import dev.milvuscdc.rig.Rig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real server in a process of its own, started like {@code scripts/run} does, on the rig's
 * source and the embedded task store in a directory that outlives the process: the process can be
 * killed with SIGKILL and started again on the same store, as an operator's crashed server would be.
 */
public final class CdcProcess implements AutoCloseable {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Generous: on a busy 2-core machine a start was seen to take 45 s before the server listened. */
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

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
    public static CdcProcess onRig(Path dataDir) {
        return onRig(dataDir, Map.of());
    }

    /** As {@link #onRig(Path)}, with top-level configuration keys set to these values. */
    public static CdcProcess onRig(Path dataDir, Map<String, Object> settings) {
        try {
            ObjectNode tree = (ObjectNode) YAML.readTree(Path.of(Rig.get().cdcConfig()).toFile());
            settings.forEach((key, value) -> tree.set(key, YAML.valueToTree(value)));
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
            int port = FreePorts.pick();
            config.put("address", "127.0.0.1:" + port);
            Files.createDirectories(dir);
            Path file = dir.resolve("cdc.yaml");
            YAML.writeValue(file.toFile(), config);
            return new CdcProcess(file, dir.resolve("server.log"), port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a server config into " + dir, e);
        }
    }

    /** Starts the server (appending to its log) and waits until {@code /health} answers; kills it when it does not. */
    public CdcProcess start() {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("the server is running already; kill() or close() it first");
        }
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
        try {
            await("the server to answer /health after its start").atMost(START_TIMEOUT).ignoreExceptions().until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the server exited with " + process.exitValue() + "; see " + log);
                }
                return client().get("/health").status() == 200;
            });
        } catch (RuntimeException | Error e) {
            // Killed, or it would outlive the test unseen: a test JVM does not stop the processes it started.
            process.destroyForcibly();
            throw e;
        }
        return this;
    }

    /** SIGKILL: no shutdown hook runs, nothing is flushed. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** SIGSTOP: the process stands still, its clock and its leases running on, until {@link #thaw()}. */
    public void freeze() throws IOException, InterruptedException {
        signal("-STOP");
    }

    /** SIGCONT after {@link #freeze()}. */
    public void thaw() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IllegalStateException("kill " + signal + " " + process.pid() + " failed");
        }
    }

    /** Where the server listens: {@code http://127.0.0.1:<port>}. */
    public String url() {
        return "http://127.0.0.1:" + port;
    }

    public CdcTestClient client() {
        return new CdcTestClient(port);
    }

    public Path log() {
        return log;
    }

    /** The WARN and ERROR lines of the server's log, over all its runs. */
    public List<String> warnings() throws IOException {
        if (!Files.exists(log)) {
            return List.of();
        }
        return Files.readAllLines(log).stream().filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
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
}
