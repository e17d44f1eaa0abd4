package dev.milvuscdc.snapshot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.snapshot.SnapshotProgress.CollectionStart;
import dev.milvuscdc.snapshot.SnapshotProgress.PartitionState;
import dev.milvuscdc.task.CopyStatus;
import io.milvus.grpc.DataType;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotProgressTest {

    /** The entries as a store keeps them: what was saved, read back with the task's other catalog entries. */
    private final Map<String, String> catalog = new HashMap<>(Map.of("partition/db/c/p1", "41"));

    private SnapshotProgress saved(Map<String, String> entries) {
        catalog.putAll(entries);
        return SnapshotProgress.of(catalog);
    }

    @Test
    void aNewTaskHasCopiedNothing() {
        SnapshotProgress progress = SnapshotProgress.of(catalog);

        assertThat(progress.done()).isFalse();
        assertThat(progress.collection(7)).isEmpty();
        assertThat(progress.cursor(7, 8, DataType.Int64)).isEqualTo(KeyCursor.start(DataType.Int64));
        assertThat(progress.status()).isEqualTo(new CopyStatus("copying", List.of()));
    }

    @Test
    void aRestartContinuesAfterTheLastKeyStoredPerPartition() {
        saved(SnapshotProgress.collectionEntry(7, new CollectionStart("shop.orders", 20_000, false)));
        saved(SnapshotProgress.partitionEntry(7, 8, new PartitionState(KeyCursor.start(DataType.VarChar).after("k,1").encoded(),
                4_000, false)));
        SnapshotProgress progress = saved(SnapshotProgress.partitionEntry(7, 9, new PartitionState("i5", 1_000, true)));

        assertThat(progress.collection(7)).contains(new CollectionStart("shop.orders", 20_000, false));
        assertThat(progress.cursor(7, 8, DataType.VarChar)).isEqualTo(KeyCursor.start(DataType.VarChar).after("k,1"));
        assertThat(progress.partition(7, 9).finished()).isTrue();
        assertThat(progress.partition(7, 8).finished()).isFalse();
        assertThat(progress.rowsCopied(7)).isEqualTo(5_000);
        assertThat(progress.status()).isEqualTo(new CopyStatus("copying",
                List.of(new CopyStatus.Collection("shop.orders", "copying", 5_000, 20_000))));
    }

    @Test
    void finishedCollectionsWaitForTheOthersThenAllStream() {
        saved(SnapshotProgress.collectionEntry(7, new CollectionStart("default.a", 10, true)));
        saved(SnapshotProgress.partitionEntry(7, 1, new PartitionState("i10", 10, true)));
        saved(SnapshotProgress.collectionFinishedEntry(7));
        SnapshotProgress copying = saved(SnapshotProgress.collectionEntry(12, new CollectionStart("default.b", 3, true)));

        assertThat(copying.collectionFinished(7)).isTrue();
        assertThat(copying.collectionFinished(12)).isFalse();
        assertThat(copying.status().collections()).extracting(CopyStatus.Collection::state).containsExactly("copied", "copying");

        SnapshotProgress done = saved(SnapshotProgress.doneEntry());
        assertThat(done.done()).isTrue();
        assertThat(done.status().phase()).isEqualTo("streaming");
        assertThat(done.status().collections()).extracting(CopyStatus.Collection::state).containsOnly("streaming");
    }

    @Test
    void otherCatalogEntriesAreNotProgress() {
        assertThat(SnapshotProgress.of(catalog).with(Map.of()).collections()).isEmpty();
    }

    @Test
    void aRewindTakesBackPartitionsAndMarksButKeepsWhatCollectionsHeldAtTheirStart() {
        saved(SnapshotProgress.collectionEntry(7, new CollectionStart("shop.orders", 20_000, false)));
        Map<String, String> earlier = saved(SnapshotProgress.partitionEntry(7, 8, new PartitionState("i100", 100, false))).rewindable();
        saved(SnapshotProgress.partitionEntry(7, 8, new PartitionState("i900", 900, true)));
        saved(SnapshotProgress.partitionEntry(7, 9, new PartitionState("i50", 50, true)));
        saved(SnapshotProgress.collectionFinishedEntry(7));
        SnapshotProgress now = saved(SnapshotProgress.doneEntry());

        SnapshotProgress.Rewind rewind = now.rewindTo(SnapshotProgress.decode(SnapshotProgress.encode(earlier)));
        SnapshotProgress back = now.after(rewind);

        assertThat(rewind.isEmpty()).isFalse();
        assertThat(back.partition(7, 8)).isEqualTo(new PartitionState("i100", 100, false));
        assertThat(back.partition(7, 9)).isEqualTo(new PartitionState("", 0, false));
        assertThat(back.collectionFinished(7)).isFalse();
        assertThat(back.done()).isFalse();
        assertThat(back.collection(7)).contains(new CollectionStart("shop.orders", 20_000, false));
        assertThat(back.rewindTo(earlier).isEmpty()).as("a second rewind changes nothing").isTrue();
        assertThat(SnapshotProgress.decode("not json")).isEmpty();
        assertThat(SnapshotProgress.decode("")).isEmpty();
    }
}
