package dev.milvuscdc.sink;

/** The target Milvus cannot be used: unreachable, TLS material unusable, or credentials refused. Never carries a secret. */
public class TargetConnectException extends Exception {

    public TargetConnectException(String message) {
        super(message);
    }

    public TargetConnectException(String message, Throwable cause) {
        super(message, cause);
    }
}
