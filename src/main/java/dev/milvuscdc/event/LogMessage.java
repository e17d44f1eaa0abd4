package dev.milvuscdc.event;

/** A change together with the position of the message that carried it. */
public record LogMessage(ChannelPosition position, ChangeEvent event) {
}
