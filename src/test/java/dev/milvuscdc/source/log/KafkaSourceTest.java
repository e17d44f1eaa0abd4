package dev.milvuscdc.source.log;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSourceTest {

    private final KafkaSource source = new KafkaSource("k:9092", Map.of(), "by-dev-replicate-msg");

    @Test
    void thePositionBeforeAMessageIsTheOffsetBeforeIt() {
        ByteString offsetFive = ByteString.copyFrom(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(5).array());

        assertThat(KafkaMessageIds.decode(source.positionBefore("ch", offsetFive).messageId())).isEqualTo(4);
        assertThat(source.positionBefore("ch", offsetFive).channel()).isEqualTo("ch");
    }

    @Test
    void theClientPropertiesNeverShowInItsText() {
        KafkaSource secret = new KafkaSource("k:9092", Map.of("sasl.jaas.config", "password=\"hunter2\""), "r");

        assertThat(secret.toString()).doesNotContain("hunter2");
    }
}
