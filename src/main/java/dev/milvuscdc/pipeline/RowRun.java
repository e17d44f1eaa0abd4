package dev.milvuscdc.pipeline;

import dev.milvuscdc.event.ChangeEvent;
import java.util.Optional;

/** What row changes share to be joined into one target call: their kind, collection and partition. */
public record RowRun(boolean insert, long collectionId, long partitionId, String partitionName) {

    /** The run a row change belongs to; empty for every other event. */
    public static Optional<RowRun> of(ChangeEvent event) {
        if (event instanceof ChangeEvent.Insert insert) {
            return Optional.of(new RowRun(true, insert.collectionId(), insert.partitionId(), insert.partitionName()));
        }
        if (event instanceof ChangeEvent.Delete delete) {
            return Optional.of(new RowRun(false, delete.collectionId(), delete.partitionId(), delete.partitionName()));
        }
        return Optional.empty();
    }
}
