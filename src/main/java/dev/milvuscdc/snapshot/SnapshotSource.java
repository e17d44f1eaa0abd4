package dev.milvuscdc.snapshot;

/**
 * Opens a connection to the source Milvus for initial copies ({@code sourceConfig.milvus}).
 */
@FunctionalInterface
public interface SnapshotSource {

    /** The queries and the connection to close after the copy. */
    record Connected(SourceQueries queries, AutoCloseable connection) {
    }

    /** @throws SnapshotReadException when the source cannot be reached (retriable) or refuses (not) */
    Connected open();

    /** No source Milvus configured: a copy cannot start, and says what to configure. */
    static SnapshotSource unconfigured() {
        return () -> {
            throw new SnapshotReadException("snapshot \"initial\" reads the source Milvus, but sourceConfig.milvus.uri"
                    + " is not set: set it (and sourceConfig.milvus.token), restart the server, then resume the task",
                    null, false, false);
        };
    }
}
