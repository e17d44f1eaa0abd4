package dev.milvuscdc.replication;

import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.snapshot.SnapshotReadException;
import dev.milvuscdc.source.log.SourceLogException;
import dev.milvuscdc.source.meta.SourceMetadataException;
import dev.milvuscdc.store.StoreException;

/**
 * The faults the engine knows: their messages say what failed and what to do, so the task's reason
 * is the message alone. Anything else is a bug, reported with its type and a pointer to the log.
 */
final class Faults {

    private Faults() {
    }

    static boolean isExpected(RuntimeException e) {
        return e instanceof PermanentTargetException || e instanceof SourceLogException
                || e instanceof SourceMetadataException || e instanceof StoreException
                || e instanceof SnapshotReadException;
    }
}
