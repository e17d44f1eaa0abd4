package dev.milvuscdc.sink;

/** A target failure that may go away by itself (unreachable, overloaded, not ready): retry with backoff. */
public final class RetriableTargetException extends TargetException {

    public RetriableTargetException(String operation, String object, String detail, String hint, Throwable cause) {
        super(operation, object, detail, hint, cause);
    }
}
