package dev.milvuscdc.event;

import java.util.Objects;

/**
 * Where a task stands on one source channel: the last message whose effects the target has
 * acknowledged. Immutable; advancing means making a new value.
 *
 * @param channel   the source physical channel (Kafka topic), e.g. {@code by-dev-rootcoord-dml_3}
 * @param messageId the message-queue id in its canonical form: base64 of the id bytes Milvus
 *                  itself uses (8-byte little-endian offset on Kafka)
 * @param timestamp the hybrid (TSO) timestamp of that message, 0 when unknown
 */
public record ChannelPosition(String channel, String messageId, long timestamp) {

    public ChannelPosition {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(messageId, "messageId");
    }

    /** Physical milliseconds of the hybrid timestamp (Milvus keeps 18 logical bits). */
    public long physicalMillis() {
        return timestamp >>> 18;
    }
}
