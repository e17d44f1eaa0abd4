package dev.milvuscdc.source.meta;

/** The source's etcd could not be read; the message names the key prefix and a hint. */
public class SourceMetadataException extends RuntimeException {
    public SourceMetadataException(String message, Throwable cause) {
        super(message, cause);
    }
}
