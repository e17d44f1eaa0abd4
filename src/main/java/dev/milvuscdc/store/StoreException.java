package dev.milvuscdc.store;

/**
 * A task store could not read or write; the message names the task and the store. Retriable when
 * the store may answer later (unreachable, timed out), not when the value itself is unusable.
 */
public class StoreException extends RuntimeException {

    private final boolean retriable;

    public StoreException(String message, Throwable cause) {
        this(message, cause, true);
    }

    public StoreException(String message, Throwable cause, boolean retriable) {
        super(message, cause);
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }
}
