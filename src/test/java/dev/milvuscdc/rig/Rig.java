package dev.milvuscdc.rig;

import dev.milvuscdc.config.PulsarConfig;
import dev.milvuscdc.config.Secret;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real outside world for integration tests: the rig that {@code scripts/rig} runs. When the
 * {@code RIG_*} variables are set, that rig is used as it is. Otherwise a rig already up in the rig
 * directory ({@code RIG_DIR}, default {@code <project>/.rig}) is reused and left running; if none is up,
 * the first call starts one with {@code scripts/rig up} and stops it when the test JVM exits.
 */
public final class Rig {

    /** The {@code authPlugin} of Pulsar's token authentication, which the rig's broker checks. */
    public static final String PULSAR_TOKEN_AUTH = "org.apache.pulsar.client.impl.auth.AuthenticationToken";
    private static final Pattern EXPORT = Pattern.compile("^export (RIG_[A-Z_]+)=['\"]?(.*?)['\"]?$");
    private static Rig instance;

    private final Map<String, String> vars;

    private Rig(Map<String, String> vars) {
        this.vars = vars;
    }

    public static synchronized Rig get() {
        if (instance == null) {
            instance = System.getenv("RIG_SOURCE_URI") != null ? new Rig(System.getenv()) : fromScript();
        }
        return instance;
    }

    public String sourceUri() { return require("RIG_SOURCE_URI"); }
    public String targetUri() { return require("RIG_TARGET_URI"); }
    public String etcdEndpoints() { return require("RIG_ETCD_ENDPOINTS"); }
    public String sourceEtcdRoot() { return require("RIG_SOURCE_ETCD_ROOT"); }
    public String kafkaBootstrap() { return require("RIG_KAFKA_BOOTSTRAP"); }
    /** The broker's SASL/PLAIN listener; its users are in {@code rig/kafka/server.properties.template}. */
    public String kafkaSaslBootstrap() { return require("RIG_KAFKA_SASL_BOOTSTRAP"); }
    public String mysqlUrl() { return require("RIG_MYSQL_URL"); }
    /** The source Milvus's message queue: {@code kafka} (also on a rig older than the variable) or {@code pulsar}. */
    public String sourceMq() { return vars.getOrDefault("RIG_SOURCE_MQ", "kafka"); }
    public boolean pulsarSource() { return sourceMq().equals("pulsar"); }
    public String pulsarUrl() { return require("RIG_PULSAR_URL"); }
    public String pulsarWebUrl() { return require("RIG_PULSAR_WEB_URL"); }
    /** A token the rig's Pulsar accepts (a client without one is let in as the anonymous role, as Milvus is). */
    public String pulsarToken() { return require("RIG_PULSAR_TOKEN"); }
    /** A token of the role {@code limited}, which the rig's Pulsar grants nothing ({@link PulsarAdmin#grant} can). */
    public String pulsarLimitedToken() { return require("RIG_PULSAR_LIMITED_TOKEN"); }
    /** The rig's token with its signature replaced: well formed, so the broker refuses it for its signature. */
    public String forgedPulsarToken() {
        String token = pulsarToken();
        return token.substring(0, token.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
    }
    /** Where the source Milvus's topics are: not Pulsar's public/default (see {@code scripts/rig}). */
    public String pulsarTenant() { return require("RIG_PULSAR_TENANT"); }
    public String pulsarNamespace() { return require("RIG_PULSAR_NAMESPACE"); }

    /** The rig's Pulsar as a {@code sourceConfig.pulsar} with token authentication and the given token. */
    public PulsarConfig pulsarConfig(String token) {
        URI web = URI.create(pulsarWebUrl());
        return new PulsarConfig(pulsarUrl(), web.getHost(), web.getPort(),
                pulsarTenant(), pulsarNamespace(), PULSAR_TOKEN_AUTH, new Secret("token:" + token));
    }
    public String python() { return require("RIG_PYTHON"); }
    public String cdcConfig() { return require("RIG_CDC_CONFIG"); }
    /** A component's log, e.g. {@code milvus-target}: in the rig directory, beside its {@code cdc.yaml}. */
    public Path logFile(String component) {
        return Path.of(cdcConfig()).getParent().resolve("logs").resolve(component + ".log");
    }

    /** Whether the target runs with {@code common.ttMsgEnabled=false} ({@code scripts/rig up --target-replicate-mode}). */
    public boolean targetReplicateMode() { return "true".equals(vars.get("RIG_TARGET_REPLICATE_MODE")); }
    /** The {@code write_mode} a task needs for this rig's target: {@code replicate} or {@code api}. */
    public String writeMode() { return targetReplicateMode() ? "replicate" : "api"; }

    /** Stops one restartable component (milvus-source, milvus-target, kafka or pulsar) with {@code scripts/rig stop}, keeping its data. */
    public void stop(String component) {
        run(projectRoot().resolve("scripts/rig"), "stop", component).requireSuccess("stop " + component);
    }

    /** Starts a component stopped by {@link #stop} and waits until it is healthy ({@code scripts/rig start}). */
    public void start(String component) {
        run(projectRoot().resolve("scripts/rig"), "start", component).requireSuccess("start " + component);
    }

    /** {@link #mysqlUrl()} as the Go DSN the reference's files carry: {@code user:password@tcp(host:port)/db?charset=utf8}. */
    public String mysqlGoDsn() {
        URI url = URI.create(mysqlUrl().substring("jdbc:".length()));
        Map<String, String> query = new HashMap<>();
        for (String pair : url.getQuery().split("&")) {
            String[] keyValue = pair.split("=", 2);
            query.put(keyValue[0].toLowerCase(Locale.ROOT), keyValue.length > 1 ? keyValue[1] : "");
        }
        return query.get("user") + ":" + query.get("password") + "@tcp(" + url.getAuthority() + ")" + url.getPath()
                + "?charset=utf8";
    }

    private String require(String name) {
        String value = vars.get(name);
        if (value == null || value.isEmpty()) {
            throw new IllegalStateException(name + " is not set: run `scripts/rig up` and `eval \"$(scripts/rig env)\"`");
        }
        return value;
    }

    private static Rig fromScript() {
        Path script = projectRoot().resolve("scripts/rig");
        if (run(script, "status").exitCode() == 0) {
            return new Rig(run(script, "env").requireSuccess("env").exports());
        }
        Map<String, String> vars = run(script, "up").requireSuccess("up").exports();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> run(script, "down")));
        return new Rig(vars);
    }

    private record ScriptResult(int exitCode, Map<String, String> exports) {
        ScriptResult requireSuccess(String what) {
            if (exitCode != 0) {
                throw new IllegalStateException("scripts/rig " + what + " exited with " + exitCode
                        + "; its log lines above name the failing component (logs in .rig/logs)");
            }
            return this;
        }
    }

    private static ScriptResult run(Path script, String... command) {
        List<String> commandLine = new ArrayList<>(List.of(script.toString()));
        commandLine.addAll(List.of(command));
        try {
            Process process = new ProcessBuilder(commandLine)
                    .redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            Map<String, String> exports = new HashMap<>();
            try (BufferedReader out = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    Matcher m = EXPORT.matcher(line.trim());
                    if (m.matches()) {
                        exports.put(m.group(1), m.group(2));
                    }
                }
            }
            return new ScriptResult(process.waitFor(), exports);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run scripts/rig " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running scripts/rig " + String.join(" ", command), e);
        }
    }

    static Path projectRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !dir.resolve("pom.xml").toFile().isFile()) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find the project root (pom.xml) above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }
}
