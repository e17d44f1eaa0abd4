package dev.milvuscdc.rig;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a Python script from the test resources with the rig's venv python (pymilvus 2.3), the
 * independent client that drives and checks the Milvus servers.
 */
public final class RigPython {

    private static final long TIMEOUT_MINUTES = 5;

    private RigPython() {
    }

    /** Runs {@code resource} (a classpath path such as {@code /facts/source_workload.py}) and returns its stdout. */
    public static String run(String resource, String... args) {
        Path script = scriptPath(resource);
        List<String> command = new ArrayList<>(List.of(Rig.get().python(), script.toString()));
        command.addAll(List.of(args));
        try {
            Path stderr = Files.createTempFile("rig-python-", ".err");
            try {
                Process process = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
                byte[] out = process.getInputStream().readAllBytes();
                if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(resource + " did not finish within " + TIMEOUT_MINUTES + " minutes");
                }
                if (process.exitValue() != 0) {
                    throw new IllegalStateException(resource + " exited with " + process.exitValue() + ":\n"
                            + Files.readString(stderr, StandardCharsets.UTF_8));
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(stderr);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + resource + " with " + Rig.get().python(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + resource, e);
        }
    }

    private static Path scriptPath(String resource) {
        URL url = RigPython.class.getResource(resource);
        if (url == null) {
            throw new IllegalArgumentException("no test resource " + resource);
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("test resource " + resource + " is not a file: " + url, e);
        }
    }
}
