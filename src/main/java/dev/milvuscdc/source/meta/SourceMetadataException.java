package dev.milvuscdc.source.meta;

import java.util.Locale;

/**
 * The source's etcd could not be read; the message names the key prefix and a hint. Retriable
 * unless etcd refused the credentials, which only an operator can fix.
 */
public class SourceMetadataException extends RuntimeException {

    private final boolean retriable;

    public SourceMetadataException(String message, Throwable cause) {
        this(message, cause, true);
    }

    private SourceMetadataException(String message, Throwable cause, boolean retriable) {
        super(message, cause);
        this.retriable = retriable;
    }

    static SourceMetadataException listingFailed(String prefix, String reason, Exception e) {
        if (refusedCredentials(e)) {
            return new SourceMetadataException("the source etcd refused the credentials while listing " + prefix + ": "
                    + reason + "; check sourceConfig.etcd.username and password, then resume the task", e, false);
        }
        return new SourceMetadataException("cannot list the source metadata under " + prefix
                + ": " + reason + "; check sourceConfig.etcd.address and rootPath", e);
    }

    public boolean retriable() {
        return retriable;
    }

    /** etcd answers a wrong user or password, and a missing permission, in these words. */
    private static boolean refusedCredentials(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            String message = String.valueOf(t.getMessage()).toLowerCase(Locale.ROOT);
            if (message.contains("authentication failed") || message.contains("invalid user id or password")
                    || message.contains("permission denied") || message.contains("user name is empty")
                    || message.contains("unauthenticated")) {
                return true;
            }
        }
        return false;
    }
}
