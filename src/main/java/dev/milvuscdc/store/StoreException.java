package dev.milvuscdc.store;

/** A task store could not read or write; the message names the task and the store. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
