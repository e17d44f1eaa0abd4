package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.task.CollectionPattern;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Collection copies by source id: created, adopted, replaced, dropped; a source and a target in memory. */
class DdlExecutorTest {

    private final CatalogFixture fixture = new CatalogFixture("*.*");

    @Test
    void aCollectionIsCopiedOnceAndItsChannelsAreAskedFor() throws Exception {
        fixture.source.collection(11, 1, "c", 100);

        CollectionReplica first = fixture.ddl.collection(11).orElseThrow();
        CollectionReplica again = fixture.ddl.collection(11).orElseThrow();

        assertThat(again).isSameAs(first);
        assertThat(fixture.target.calls).containsExactly("create collection default.c of 11");
        assertThat(fixture.target.collection("default", "c").orElseThrow().sourceId).hasValue(11);
        assertThat(fixture.channelsNeeded).extracting(m -> m.id()).containsExactly(11L);
    }

    /** A channel is read from the start of the first collection found on it, so the oldest must come first. */
    @Test
    void existingCollectionsAreCopiedOldestFirst() throws Exception {
        for (long id : new long[] {30, 10, 20}) {
            fixture.source.collection(id, 1, "c" + id, id);
        }

        fixture.ddl.createExisting(fixture.partitions);

        assertThat(fixture.channelsNeeded).extracting(CollectionMeta::id).containsExactly(10L, 20L, 30L);
    }

    /**
     * Milvus 2.3 saves a new collection's default partition, and writes its CreateCollection message,
     * while the collection's record still says Creating: measured on the rig, the copy was then never
     * made (the collection was taken for dropped and all its changes passed over).
     */
    @Test
    void aCollectionStillBeingCreatedIsCopiedOnceItsCreatedRecordComes() throws Exception {
        fixture.source.creatingCollection(11, 1, "c", 100);

        assertThat(fixture.ddl.collection(11)).isEmpty();
        fixture.source.created(11);

        assertThat(fixture.ddl.collection(11)).isPresent();
        assertThat(fixture.target.calls).containsExactly("create collection default.c of 11");
    }

    @Test
    void aCopyOfACollectionTheSourceDroppedIsReplacedByTheCopyOfTheNewCollectionOfThatName() throws Exception {
        fixture.target.existing("default", "c", OptionalLong.of(10));
        fixture.target.collection("default", "c").orElseThrow().partitions.get("_default").add(1L);
        fixture.source.collection(11, 1, "c", 200);

        fixture.ddl.collection(11).orElseThrow();

        assertThat(fixture.target.calls).containsExactly("drop collection default.c", "create collection default.c of 11");
        assertThat(fixture.target.collection("default", "c").orElseThrow().keys()).as("no row of the old copy").isEmpty();
    }

    @Test
    void aTargetCollectionMilvusCdcDidNotMakeIsAConflictThatNamesIt() {
        fixture.target.existing("default", "c", OptionalLong.empty());
        fixture.source.collection(11, 1, "c", 100);

        assertThatThrownBy(() -> fixture.ddl.collection(11))
                .isInstanceOf(PermanentTargetException.class)
                .hasMessageContaining("default.c")
                .hasMessageContaining("milvus-cdc did not create");
        assertThat(fixture.target.calls).isEmpty();
    }

    @Test
    void aCollectionRestoredFromABackupIsTakenOverWhenTheTaskNamesWhereItStarts() throws Exception {
        CatalogFixture handOver = new CatalogFixture(new Scope(List.of(new CollectionPattern("default", "c")),
                Set.of("default.c")));
        handOver.target.existing("default", "c", OptionalLong.empty());
        handOver.target.collection("default", "c").orElseThrow().partitions.get("_default").add(1L);
        handOver.source.collection(11, 1, "c", 100);

        handOver.ddl.collection(11).orElseThrow();

        assertThat(handOver.target.calls).containsExactly("take over default.c as 11");
        assertThat(handOver.target.collection("default", "c").orElseThrow().keys()).as("the restored rows stay").containsExactly(1L);
    }

    @Test
    void aCopyOfACollectionTheSourceStillHasIsNeverDropped() {
        fixture.source.collection(10, 1, "renamed", 50);
        fixture.target.existing("default", "c", OptionalLong.of(10));
        fixture.source.collection(11, 1, "c", 100);

        assertThatThrownBy(() -> fixture.ddl.collection(11))
                .isInstanceOf(PermanentTargetException.class)
                .hasMessageContaining("which the source still has");
        assertThat(fixture.target.collection("default", "c")).isPresent();
    }

    @Test
    void aRestartAdoptsTheCopyItMadeBefore() throws Exception {
        fixture.source.collection(11, 1, "c", 100);
        fixture.ddl.collection(11).orElseThrow();

        CatalogFixture restarted = fixture.restart();
        restarted.ddl.collection(11).orElseThrow();

        assertThat(fixture.target.calls).containsExactly("create collection default.c of 11");
    }

    @Test
    void collectionsOutOfScopeOrUnknownToTheSourceArePassedOver() throws Exception {
        CatalogFixture narrow = new CatalogFixture("shop.*");
        narrow.source.collection(11, 1, "c", 100);

        assertThat(narrow.ddl.collection(11)).isEmpty();
        assertThat(narrow.ddl.collection(99)).isEmpty();
        assertThat(narrow.target.calls).isEmpty();
    }

    @Test
    void aDropWaitsForTheCallsInFlightOnTheCopyAndLaterChangesArePassedOver() throws Exception {
        fixture.source.collection(11, 1, "c", 100);
        CollectionReplica copy = fixture.ddl.collection(11).orElseThrow();
        assertThat(copy.calls.enter()).isTrue();
        fixture.source.dropCollection(11);

        CompletableFuture<Void> drop = CompletableFuture.runAsync(() -> {
            try {
                fixture.ddl.collectionDropped(11, "c");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        Thread.sleep(200);
        assertThat(drop).as("the drop waits for the call in flight").isNotDone();
        assertThat(fixture.target.collection("default", "c")).isPresent();

        copy.calls.exit();
        drop.get(10, TimeUnit.SECONDS);
        assertThat(fixture.target.collection("default", "c")).isEmpty();
        assertThat(copy.calls.enter()).as("no call starts on a dropped copy").isFalse();
        assertThat(fixture.ddl.collection(11)).isEmpty();
    }

    @Test
    void aDropReplayedOnEveryChannelIsAppliedOnce() throws Exception {
        fixture.source.collection(11, 1, "c", 100);
        fixture.ddl.collection(11);
        fixture.source.dropCollection(11);

        fixture.ddl.collectionDropped(11, "c");
        fixture.target.existing("default", "c", OptionalLong.of(12));
        fixture.ddl.collectionDropped(11, "c");

        assertThat(fixture.target.calls).containsExactly("create collection default.c of 11", "drop collection default.c");
        assertThat(fixture.target.collection("default", "c")).isPresent();
    }

    @Test
    void aDropAfterARestartFindsTheCopyOnTheTargetWhenTheSourceForgotTheCollection() throws Exception {
        fixture.source.database(5, "shop");
        fixture.source.collection(11, 5, "c", 100);
        fixture.ddl.collection(11);
        fixture.source.dropCollection(11);
        fixture.source.collectGarbage(11);
        fixture.target.existing("other", "c", OptionalLong.of(77));

        fixture.restart().ddl.collectionDropped(11, "c");

        assertThat(fixture.target.collection("shop", "c")).isEmpty();
        assertThat(fixture.target.collection("other", "c")).as("the copy of another collection stays").isPresent();
    }

    @Test
    void aDroppedDatabaseTakesTheCopiesOfItsCollectionsAndThenGoesUnlessItHoldsOthers() throws Exception {
        fixture.source.database(5, "shop").database(6, "mixed");
        fixture.source.collection(11, 5, "a", 100);
        fixture.source.collection(12, 6, "b", 100);
        fixture.ddl.collection(11);
        fixture.ddl.collection(12);
        fixture.target.existing("mixed", "foreign", OptionalLong.empty());
        fixture.source.dropCollection(11);
        fixture.source.dropCollection(12);
        fixture.source.dropDatabase(5);
        fixture.source.dropDatabase(6);

        fixture.ddl.databaseDropped("shop");
        fixture.ddl.databaseDropped("mixed");

        assertThat(fixture.target.databases()).doesNotContain("shop").contains("mixed");
        assertThat(fixture.target.collection("mixed", "b")).isEmpty();
        assertThat(fixture.target.collection("mixed", "foreign")).isPresent();
    }

    @Test
    void aDatabaseCreatedAgainUnderItsNameIsNotDropped() throws Exception {
        fixture.source.database(5, "shop");
        fixture.ddl.databaseCreated("shop");
        fixture.source.dropDatabase(5);
        fixture.source.database(8, "shop");

        fixture.ddl.databaseDropped("shop");

        assertThat(fixture.target.databases()).contains("shop");
    }

    @Test
    void aDropOfOneCollectionDoesNotWaitForCallsOnAnother() throws Exception {
        fixture.source.collection(11, 1, "a", 100);
        fixture.source.collection(12, 1, "b", 100);
        CollectionReplica busy = fixture.ddl.collection(11).orElseThrow();
        fixture.ddl.collection(12);
        CountDownLatch held = new CountDownLatch(1);
        assertThat(busy.calls.enter()).isTrue();
        fixture.source.dropCollection(11);
        fixture.source.dropCollection(12);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> {
            try {
                held.countDown();
                fixture.ddl.collectionDropped(11, "a");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        held.await();

        fixture.ddl.collectionDropped(12, "b");

        assertThat(fixture.target.collection("default", "b")).isEmpty();
        assertThat(waiting).isNotDone();
        busy.calls.exit();
        waiting.get(10, TimeUnit.SECONDS);
    }
}
