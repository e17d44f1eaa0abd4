package dev.milvuscdc.replication;

import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.sink.TargetException;
import dev.milvuscdc.snapshot.SnapshotReadException;
import dev.milvuscdc.source.log.PositionLostException;
import dev.milvuscdc.source.log.SourceLogException;
import dev.milvuscdc.source.meta.SourceMetadataException;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.task.FaultKind;

/**
 * The faults the engine knows: their messages say what failed and what to do, so the task's reason
 * is the message alone. Anything else is a bug, reported with its type and a pointer to the log.
 */
final class Faults {

    private Faults() {
    }

    /** What the fault concerns; {@link FaultKind#UNEXPECTED} for anything not {@link #isExpected}. */
    static FaultKind kind(Throwable e) {
        if (e instanceof PositionLostException) {
            return FaultKind.POSITION_LOST;
        }
        if (e instanceof TargetException) {
            return FaultKind.TARGET;
        }
        if (e instanceof SourceLogException) {
            return FaultKind.KAFKA;
        }
        if (e instanceof SourceMetadataException) {
            return FaultKind.ETCD;
        }
        if (e instanceof SnapshotReadException) {
            return FaultKind.SOURCE_MILVUS;
        }
        if (e instanceof StoreException) {
            return FaultKind.TASK_STORE;
        }
        return FaultKind.UNEXPECTED;
    }

    static boolean isExpected(RuntimeException e) {
        return e instanceof PermanentTargetException || e instanceof SourceLogException
                || e instanceof SourceMetadataException || e instanceof StoreException
                || e instanceof SnapshotReadException;
    }
}
