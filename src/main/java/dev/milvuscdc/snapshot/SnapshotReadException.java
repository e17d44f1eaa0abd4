package dev.milvuscdc.snapshot;

/**
 * A read of the source Milvus for the initial copy failed. {@link #retriable()}: time may cure it
 * (the source unreachable or busy); {@link #missing()}: the collection or partition is gone.
 */
public final class SnapshotReadException extends RuntimeException {

    private final boolean retriable;
    private final boolean missing;

    public SnapshotReadException(String message, Throwable cause, boolean retriable, boolean missing) {
        super(message, cause);
        this.retriable = retriable;
        this.missing = missing;
    }

    public boolean retriable() {
        return retriable;
    }

    public boolean missing() {
        return missing;
    }
}
