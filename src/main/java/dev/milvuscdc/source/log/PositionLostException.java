package dev.milvuscdc.source.log;

/**
 * A channel's stored position is no longer in the log (retention removed the messages after it,
 * or the topic was re-created): reading on would skip changes without a word, so the task stops.
 */
public final class PositionLostException extends SourceLogException {

    private final String channel;

    public PositionLostException(String channel, String message, Throwable cause) {
        super(message, cause, false);
        this.channel = channel;
    }

    public String channel() {
        return channel;
    }
}
