package dev.milvuscdc.source.log;

/** The source's Pulsar could not be read: a {@link SourceLogException} whose fault kind is {@code pulsar}. */
public class PulsarLogException extends SourceLogException {

    public PulsarLogException(String message, Throwable cause, boolean retriable) {
        super(message, cause, retriable);
    }
}
