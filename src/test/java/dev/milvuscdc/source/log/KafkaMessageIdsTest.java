package dev.milvuscdc.source.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class KafkaMessageIdsTest {

    @Test
    void anOffsetIsEightLittleEndianBytesInBase64() {
        assertThat(Base64.getDecoder().decode(KafkaMessageIds.encode(1))).containsExactly(1, 0, 0, 0, 0, 0, 0, 0);
        assertThat(KafkaMessageIds.encode(258)).isEqualTo(Base64.getEncoder().encodeToString(new byte[] {2, 1, 0, 0, 0, 0, 0, 0}));
    }

    @Test
    void decodingReversesEncodingIncludingMinusOne() {
        for (long offset : new long[] {-1, 0, 1, 123_456_789_012L, Long.MAX_VALUE}) {
            assertThat(KafkaMessageIds.decode(KafkaMessageIds.encode(offset))).isEqualTo(offset);
        }
    }

    @Test
    void anIdOfAnotherLengthIsRefusedWithTheIdInTheMessage() {
        String fourBytes = Base64.getEncoder().encodeToString(new byte[] {1, 2, 3, 4});

        assertThatThrownBy(() -> KafkaMessageIds.decode(fourBytes))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(fourBytes);
    }
}
