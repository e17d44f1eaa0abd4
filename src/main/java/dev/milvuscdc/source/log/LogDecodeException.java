package dev.milvuscdc.source.log;

/** A message on the source's log could not be decoded; the message names channel and offset. */
public final class LogDecodeException extends SourceLogException {
    public LogDecodeException(String message, Throwable cause) {
        super(message, cause, false);
    }
}
