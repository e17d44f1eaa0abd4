package dev.milvuscdc;

import ch.qos.logback.classic.ClassicConstants;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Map;

/**
 * The server's logging, set up in code (found by logback through {@code META-INF/services}) rather than
 * read from a {@code logback.xml}: reading XML loads logback's Joran and the JDK's XML parser, about 400
 * classes the server never needs otherwise (docs/performance.md). An operator's own file still wins: with
 * {@code -Dlogback.configurationFile} or a {@code logback.xml} on the class path, logback reads that.
 */
public final class ConsoleLogging extends ContextAwareBase implements Configurator {

    /** Lines logged for one task carry "task=&lt;id&gt;" (the MDC key "task"); other lines go without it. */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level [%thread] %logger{20}"
            + "%replace( task=%X{task}){' task=$', ''} - %msg%n";

    /** Client libraries narrate every connection at INFO. */
    private static final Map<String, Level> LIBRARY_LEVELS = Map.of(
            "org.apache.kafka", Level.WARN,
            // repeats "could not be established" every retry; the source probe and readers report it once
            "org.apache.kafka.clients.NetworkClient", Level.ERROR,
            "org.apache.pulsar", Level.WARN,
            "io.javalin", Level.WARN,
            "org.eclipse.jetty", Level.WARN,
            "io.etcd", Level.WARN,
            "io.milvus", Level.WARN,
            "com.zaxxer.hikari", Level.WARN);

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        ClassLoader classes = ConsoleLogging.class.getClassLoader();
        if (System.getProperty(ClassicConstants.CONFIG_FILE_PROPERTY) != null
                || classes.getResource(ClassicConstants.TEST_AUTOCONFIG_FILE) != null
                || classes.getResource(ClassicConstants.AUTOCONFIG_FILE) != null) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(PATTERN);
        encoder.start();
        ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
        console.setContext(context);
        console.setName("CONSOLE");
        console.setEncoder(encoder);
        console.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.INFO);
        root.addAppender(console);
        LIBRARY_LEVELS.forEach((name, level) -> context.getLogger(name).setLevel(level));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }
}
