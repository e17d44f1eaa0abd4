package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Partition copies by source partition id, across channels that run at their own pace and across
 * restarts; a source and a target in memory, the task's catalog in a map.
 */
class PartitionCopiesTest {

    private final CatalogFixture fixture = new CatalogFixture("*.*");
    private CollectionReplica collection;

    @BeforeEach
    void collection() throws Exception {
        fixture.source.collection(11, 1, "c", 100);
        collection = fixture.ddl.collection(11).orElseThrow();
        fixture.target.calls.clear();
    }

    @Test
    void aPartitionIsCopiedOnceAndItsSourceIdRecordedBeforeItIsCreated() throws Exception {
        fixture.source.partition(21, 11, "p");

        PartitionReplica copy = fixture.partitions.partition(collection, 21, "p").orElseThrow();

        assertThat(fixture.partitions.partition(collection, 21, "p")).containsSame(copy);
        assertThat(fixture.target.calls).containsExactly("create partition default.c/p");
        assertThat(fixture.stored).containsEntry("partition/default/c/p", "21");
    }

    @Test
    void theDropOfTheOldPartitionArrivingLateNeverTakesTheNewPartitionOfItsName() throws Exception {
        fixture.source.partition(21, 11, "p");
        fixture.partitions.partition(collection, 21, "p");
        fixture.source.dropPartition(21);
        fixture.source.partition(22, 11, "p");

        fixture.partitions.partitionDropped(collection, 21, "p");
        fixture.partitions.partition(collection, 22, "p");
        fixture.target.putRow("default", "c", "p", 5);
        fixture.partitions.partitionDropped(collection, 21, "p");

        assertThat(fixture.target.collection("default", "c").orElseThrow().partitions.get("p")).containsExactly(5L);
        assertThat(fixture.stored).containsEntry("partition/default/c/p", "22");
    }

    @Test
    void rowsOfADroppedPartitionArePassedOver() throws Exception {
        fixture.source.partition(21, 11, "p");
        fixture.source.dropPartition(21);

        assertThat(fixture.partitions.partition(collection, 21, "p")).isEmpty();
        assertThat(fixture.target.calls).isEmpty();
    }

    @Test
    void aRestartThatFindsTheOldCopyUnderTheNewPartitionsNameReplacesIt() throws Exception {
        fixture.source.partition(21, 11, "p");
        fixture.partitions.partition(collection, 21, "p");
        fixture.target.putRow("default", "c", "p", 1);
        fixture.source.dropPartition(21);
        fixture.source.partition(22, 11, "p");

        CatalogFixture restarted = fixture.restart();
        CollectionReplica again = restarted.ddl.collection(11).orElseThrow();
        restarted.partitions.partitionDropped(again, 21, "p");
        restarted.partitions.partition(again, 22, "p");

        assertThat(fixture.target.collection("default", "c").orElseThrow().partitions.get("p")).as("no old row").isEmpty();
        assertThat(fixture.stored).containsEntry("partition/default/c/p", "22");
    }

    @Test
    void aRestartAfterTheNewPartitionWasCopiedKeepsItsRowsWhenTheOldDropIsReplayed() throws Exception {
        fixture.source.partition(21, 11, "p");
        fixture.partitions.partition(collection, 21, "p");
        fixture.source.dropPartition(21);
        fixture.partitions.partitionDropped(collection, 21, "p");
        fixture.source.partition(22, 11, "p");
        fixture.partitions.partition(collection, 22, "p");
        fixture.target.putRow("default", "c", "p", 7);

        CatalogFixture restarted = fixture.restart();
        CollectionReplica again = restarted.ddl.collection(11).orElseThrow();
        restarted.partitions.partitionDropped(again, 21, "p");

        assertThat(fixture.target.collection("default", "c").orElseThrow().partitions.get("p")).containsExactly(7L);
    }

    @Test
    void aDropWaitsForTheCallsInFlightOnThePartition() throws Exception {
        fixture.source.partition(21, 11, "p");
        PartitionReplica copy = fixture.partitions.partition(collection, 21, "p").orElseThrow();
        assertThat(copy.calls().enter()).isTrue();
        fixture.source.dropPartition(21);

        CompletableFuture<Void> drop = CompletableFuture.runAsync(() -> {
            try {
                fixture.partitions.partitionDropped(collection, 21, "p");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(drop).isNotDone();

        copy.calls().exit();
        drop.get(10, TimeUnit.SECONDS);
        assertThat(fixture.target.collection("default", "c").orElseThrow().partitions).doesNotContainKey("p");
        assertThat(fixture.stored).doesNotContainKey("partition/default/c/p");
    }

    @Test
    void theDefaultPartitionAndPartitionKeyPartitionsAreNotManaged() {
        CollectionReplica keyed = new CollectionReplica(12, "default", "k", true, "id");

        assertThat(PartitionCopies.isManaged(collection, "_default")).isFalse();
        assertThat(PartitionCopies.isManaged(collection, "")).isFalse();
        assertThat(PartitionCopies.isManaged(keyed, "_default_3")).isFalse();
        assertThat(PartitionCopies.isManaged(collection, "p")).isTrue();
    }
}
