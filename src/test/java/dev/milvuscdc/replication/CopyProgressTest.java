package dev.milvuscdc.replication;

import static dev.milvuscdc.task.TaskSpecFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.snapshot.SnapshotProgress.CollectionStart;
import dev.milvuscdc.snapshot.SnapshotProgress.PartitionState;
import dev.milvuscdc.snapshot.SnapshotProgress;
import dev.milvuscdc.store.InMemoryTaskStore;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CopyProgressTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final InMemoryTaskStore store = new InMemoryTaskStore();
    private final StoreWriter storeWriter = new StoreWriter(store, "t1");

    CopyProgressTest() {
        store.put(new TaskRecord("t1", spec("http://a:1", "c"), TaskState.Running, ""));
    }

    @AfterEach
    void stopStoreThread() throws InterruptedException {
        storeWriter.stop(() -> { }, Duration.ofSeconds(5));
    }

    @Test
    void aTargetOutageSetsTheCopyBackToWhereItStoodAWindowAgoAndNothingLaterIsStored() throws InterruptedException {
        CopyProgress progress = new CopyProgress("t1", store.catalog("t1"), store, storeWriter);
        progress.save(SnapshotProgress.collectionEntry(7, new CollectionStart("db.c", 50_000, true)));
        for (int minute = 0; minute <= 20; minute++) {
            progress.save(page(1_000L * minute, false));
            Instant now = T0.plus(Duration.ofMinutes(minute));
            storeWriter.run(() -> progress.record(now));
        }

        boolean[] wentBack = {false};
        storeWriter.run(() -> wentBack[0] = progress.rewind(T0.plus(Duration.ofMinutes(20)), true));

        assertThat(wentBack[0]).isTrue();
        SnapshotProgress stored = SnapshotProgress.of(store.catalog("t1"));
        assertThat(stored.partition(7, 8).rowsCopied()).as("where it stood at minute 8, 12 minutes before minute 20")
                .isEqualTo(8_000);
        assertThat(stored.collection(7)).as("what the collection held at its start is kept")
                .contains(new CollectionStart("db.c", 50_000, true));
        assertThatThrownBy(() -> progress.save(page(21_000, false))).isInstanceOf(InterruptedException.class);
        assertThat(SnapshotProgress.of(store.catalog("t1")).partition(7, 8).rowsCopied()).isEqualTo(8_000);
    }

    @Test
    void aCopyFinishedWithinTheWindowIsCopiedAgainFromItsStart() throws InterruptedException {
        CopyProgress progress = new CopyProgress("t1", store.catalog("t1"), store, storeWriter);
        progress.save(page(5_000, true));
        progress.save(SnapshotProgress.collectionFinishedEntry(7));
        progress.save(SnapshotProgress.doneEntry());
        storeWriter.run(() -> progress.record(T0));

        storeWriter.run(() -> progress.rewind(T0.plus(Duration.ofMinutes(5)), false));

        SnapshotProgress stored = SnapshotProgress.of(store.catalog("t1"));
        assertThat(stored.done()).isFalse();
        assertThat(stored.collectionFinished(7)).isFalse();
        assertThat(stored.partition(7, 8)).isEqualTo(new PartitionState("", 0, false));
        assertThat(progress.current().done()).isFalse();
    }

    @Test
    void aCopyDoneLongerAgoThanTheWindowStaysDoneAcrossARestartOfTheServer() throws InterruptedException {
        CopyProgress first = new CopyProgress("t1", store.catalog("t1"), store, storeWriter);
        first.save(page(5_000, true));
        first.save(SnapshotProgress.doneEntry());
        storeWriter.run(() -> first.record(T0));
        store.updateCatalog("t1", first.published(T0.plus(Duration.ofMinutes(13))), List.of());

        CopyProgress restarted = new CopyProgress("t1", store.catalog("t1"), store, storeWriter);
        boolean[] wentBack = {true};
        storeWriter.run(() -> wentBack[0] = restarted.rewind(T0.plus(Duration.ofMinutes(14)), false));

        assertThat(wentBack[0]).isFalse();
        assertThat(SnapshotProgress.of(store.catalog("t1")).done()).isTrue();
    }

    private static Map<String, String> page(long rows, boolean finished) {
        return SnapshotProgress.partitionEntry(7, 8, new PartitionState("i" + rows, rows, finished));
    }
}
