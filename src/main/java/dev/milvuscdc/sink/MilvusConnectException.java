package dev.milvuscdc.sink;

/**
 * The target Milvus cannot be used: unreachable, TLS material unusable, or credentials refused.
 * Never carries a secret.
 */
public class MilvusConnectException extends Exception {

    private final boolean credentialsRefused;

    public MilvusConnectException(String message) {
        this(message, false);
    }

    public MilvusConnectException(String message, boolean credentialsRefused) {
        super(message);
        this.credentialsRefused = credentialsRefused;
    }

    public MilvusConnectException(String message, Throwable cause) {
        super(message, cause);
        this.credentialsRefused = false;
    }

    /** True when the target answered and refused the credentials: retrying cannot help. */
    public boolean credentialsRefused() {
        return credentialsRefused;
    }
}
