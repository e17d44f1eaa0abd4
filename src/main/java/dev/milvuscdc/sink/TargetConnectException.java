package dev.milvuscdc.sink;

/**
 * The target Milvus cannot be used: unreachable, TLS material unusable, or credentials refused.
 * Never carries a secret.
 */
public class TargetConnectException extends Exception {

    private final boolean credentialsRefused;

    public TargetConnectException(String message) {
        this(message, false);
    }

    public TargetConnectException(String message, boolean credentialsRefused) {
        super(message);
        this.credentialsRefused = credentialsRefused;
    }

    public TargetConnectException(String message, Throwable cause) {
        super(message, cause);
        this.credentialsRefused = false;
    }

    /** True when the target answered and refused the credentials: retrying cannot help. */
    public boolean credentialsRefused() {
        return credentialsRefused;
    }
}
