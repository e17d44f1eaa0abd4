package dev.milvuscdc.replication;

import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.sink.TargetException;
import dev.milvuscdc.snapshot.SnapshotReadException;
import dev.milvuscdc.source.log.PositionLostException;
import dev.milvuscdc.source.log.PulsarLogException;
import dev.milvuscdc.source.log.SourceLogException;
import dev.milvuscdc.source.meta.SourceMetadataException;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.task.FaultKind;
import java.util.List;
import java.util.Map;

/**
 * The faults the engine knows: their messages say what failed and what to do, so the task's reason
 * is the message alone. Anything else is a bug, reported with its type and a pointer to the log.
 */
final class Faults {

    private Faults() {
    }

    /** Exception types and what they concern; the first that matches wins, so a subtype comes before its supertype. */
    private static final List<Map.Entry<Class<? extends Throwable>, FaultKind>> KINDS = List.of(
            Map.entry(PositionLostException.class, FaultKind.POSITION_LOST),
            Map.entry(TargetException.class, FaultKind.TARGET),
            Map.entry(PulsarLogException.class, FaultKind.PULSAR),
            Map.entry(SourceLogException.class, FaultKind.KAFKA),
            Map.entry(SourceMetadataException.class, FaultKind.ETCD),
            Map.entry(SnapshotReadException.class, FaultKind.SOURCE_MILVUS),
            Map.entry(StoreException.class, FaultKind.TASK_STORE));

    /** What the fault concerns; {@link FaultKind#UNEXPECTED} for anything not {@link #isExpected}. */
    static FaultKind kind(Throwable e) {
        return KINDS.stream().filter(kind -> kind.getKey().isInstance(e)).map(Map.Entry::getValue).findFirst()
                .orElse(FaultKind.UNEXPECTED);
    }

    static boolean isExpected(RuntimeException e) {
        return e instanceof PermanentTargetException || e instanceof SourceLogException
                || e instanceof SourceMetadataException || e instanceof StoreException
                || e instanceof SnapshotReadException;
    }
}
