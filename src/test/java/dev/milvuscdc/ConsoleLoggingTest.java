package dev.milvuscdc;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class ConsoleLoggingTest {

    @Test
    void logbackFindsItWithoutAnyFileAndQuietsTheClientLibraries() {
        LoggerContext running = (LoggerContext) LoggerFactory.getILoggerFactory();
        assertThat(running.getLogger("org.apache.kafka").getLevel()).isEqualTo(Level.WARN);
        assertThat(running.getLogger("org.apache.kafka.clients.NetworkClient").getLevel()).isEqualTo(Level.ERROR);
        assertThat(running.getLogger("io.milvus.client").getEffectiveLevel()).isEqualTo(Level.WARN);
        assertThat(running.getLogger("dev.milvuscdc").getEffectiveLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void aLineAboutATaskCarriesItsIdAfterTheLoggerAndOtherLinesGoWithout() {
        PrintStream out = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
        try {
            LoggerContext context = new LoggerContext();
            context.setMDCAdapter(MDC.getMDCAdapter());
            ConsoleLogging logging = new ConsoleLogging();
            logging.setContext(context);
            assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);
            MDC.put("task", "t1");
            context.getLogger("dev.milvuscdc.control.TaskTransitions").info("Initial -> Running");
            MDC.remove("task");
            context.getLogger("dev.milvuscdc.Main").info("listening");
            context.getLogger("org.apache.kafka.clients.consumer.KafkaConsumer").info("narrated");
            context.stop();
        } finally {
            System.setOut(out);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8).lines().toList()).satisfiesExactly(
                line -> assertThat(line).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[[^]]+] "
                        + "d\\.m\\.c\\.TaskTransitions task=t1 - Initial -> Running"),
                line -> assertThat(line).matches(".*Z INFO  \\[[^]]+] dev\\.milvuscdc\\.Main - listening"));
    }

    @Test
    void anOperatorsOwnFileWins() {
        System.setProperty("logback.configurationFile", "/etc/milvus-cdc/logback.xml");
        try {
            LoggerContext context = new LoggerContext();
            ConsoleLogging logging = new ConsoleLogging();
            logging.setContext(context);
            assertThat(logging.configure(context)).isEqualTo(ExecutionStatus.INVOKE_NEXT_IF_ANY);
            assertThat(context.getLogger("ROOT").iteratorForAppenders().hasNext()).isFalse();
        } finally {
            System.clearProperty("logback.configurationFile");
        }
    }
}
