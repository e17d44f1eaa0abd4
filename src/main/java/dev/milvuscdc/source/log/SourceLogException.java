package dev.milvuscdc.source.log;

/**
 * The source's log could not be read. Retriable while the broker may come back (unreachable, timed
 * out); not when retrying cannot help (credentials or permissions refused, a position the log no
 * longer holds, a message that cannot be decoded). The message names the channel and a hint.
 */
public class SourceLogException extends RuntimeException {

    private final boolean retriable;

    public SourceLogException(String message, Throwable cause, boolean retriable) {
        super(message, cause);
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }
}
