package dev.milvuscdc.rig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Milvus server driven by pymilvus, the independent client of the tests: a long-lived Python
 * process that runs {@code src/test/resources/driver/milvus_driver.py} and answers one JSON line
 * per operation. Keeping the checker in another language means the CDC's own Java client code
 * does not grade itself.
 */
public final class MilvusDriver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final BufferedWriter in;
    private final BufferedReader out;
    private final String uri;
    private final Set<String> createdDatabases = ConcurrentHashMap.newKeySet();

    public MilvusDriver(String python, String uri) {
        this.uri = uri;
        try {
            Path script = Files.createTempFile("milvus_driver", ".py");
            try (var source = MilvusDriver.class.getResourceAsStream("/driver/milvus_driver.py")) {
                Files.write(script, source.readAllBytes());
            }
            script.toFile().deleteOnExit();
            process = new ProcessBuilder(python, script.toString(), uri)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            in = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the pymilvus driver for " + uri, e);
        }
    }

    public static MilvusDriver source() {
        return new MilvusDriver(Rig.get().python(), Rig.get().sourceUri());
    }

    public static MilvusDriver target() {
        return new MilvusDriver(Rig.get().python(), Rig.get().targetUri());
    }

    /** Runs one operation and returns its result; a failed operation throws with the driver's message. */
    public synchronized JsonNode run(String op, Map<String, ?> args) {
        JsonNode result = tryRun(op, args);
        if (result.has("error")) {
            throw new IllegalStateException(op + " " + args + " failed on " + uri + ": " + result.get("error").asText());
        }
        if (op.equals("create_database")) {
            createdDatabases.add(String.valueOf(args.get("db")));
        }
        return result;
    }

    /** The databases this driver created, for {@link MilvusPair#close()} to drop. */
    Set<String> createdDatabases() {
        return Set.copyOf(createdDatabases);
    }

    /** Creates a collection with this many shards, indexes its vector field and loads it, as most tests need. */
    public void createLoaded(Map<String, Object> collection, int shards) {
        Map<String, Object> create = new HashMap<>(collection);
        create.put("shards", shards);
        run("create_collection", create);
        run("create_index", collection);
        run("load", collection);
    }

    /** Runs one operation; a failure comes back as {@code {"error": "..."}}. */
    public synchronized JsonNode tryRun(String op, Map<String, ?> args) {
        ObjectNode request = JSON.valueToTree(args);
        request.put("op", op);
        try {
            in.write(JSON.writeValueAsString(request));
            in.newLine();
            in.flush();
            String line = out.readLine();
            if (line == null) {
                throw new IllegalStateException("the pymilvus driver for " + uri + " exited; see the test output");
            }
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalStateException("cannot talk to the pymilvus driver for " + uri, e);
        }
    }

    @Override
    public void close() {
        process.destroy();
    }
}
