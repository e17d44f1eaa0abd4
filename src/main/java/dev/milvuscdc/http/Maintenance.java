package dev.milvuscdc.http;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The {@code maintenance} request: changes the log level at runtime. Every outcome is a
 * {@code State} text, as in the reference; the message-sampling operations are not supported.
 */
final class Maintenance {

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(Maintenance.class);

    Map<String, String> handle(Requests.MaintenanceRequest request) {
        String operation = request.operation() == null ? "" : request.operation();
        Map<String, Object> params = request.params() == null ? Map.of() : request.params();
        String state = "set_log_level".equals(operation)
                ? setLogLevel(params.get("log_level"))
                : "unsupported operation: " + operation;
        return Map.of("State", state);
    }

    private static String setLogLevel(Object value) {
        if (value == null || value.toString().isEmpty()) {
            return "log_level is required";
        }
        String text = value.toString();
        Level level = Level.toLevel(text, null);
        if (level == null) {
            return "parse log level failed: unrecognized level: \"" + text + "\"";
        }
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(level);
        LOG.info("log level set to {}", level);
        return "set log level to " + text;
    }
}
