package dev.milvuscdc.source.log;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;

/**
 * Milvus names a Kafka message by its offset as 8 little-endian bytes; positions keep that id in
 * base64, the form the reference server also stores and answers.
 */
public final class KafkaMessageIds {

    private KafkaMessageIds() {
    }

    public static String encode(long offset) {
        byte[] bytes = ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(offset).array();
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** @throws IllegalArgumentException when the text is not base64 of 8 bytes */
    public static long decode(String messageId) {
        byte[] bytes = Base64.getDecoder().decode(messageId);
        if (bytes.length != Long.BYTES) {
            throw new IllegalArgumentException("a Kafka message id has 8 bytes, this one has " + bytes.length + ": " + messageId);
        }
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }
}
