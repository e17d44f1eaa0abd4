package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdentityMapTest {

    private final IdentityMap identities = new IdentityMap();

    @Test
    void aDroppedCollectionIsPassedOverForGoodAndItsCopyComesBackOnce() {
        CollectionReplica copy = new CollectionReplica(11, "db", "c", false, "id");
        identities.put(copy);

        assertThat(identities.markDropped(11)).containsSame(copy);
        assertThat(identities.markDropped(11)).isEmpty();
        assertThat(identities.live(11)).isEmpty();
        assertThat(identities.passedOver(11)).isTrue();
    }

    @Test
    void aCopyRegisteredAfterItsCollectionWasDroppedStaysOut() {
        identities.markDropped(11);

        identities.put(new CollectionReplica(11, "db", "c", false, "id"));

        assertThat(identities.live(11)).isEmpty();
    }

    @Test
    void collectionsOutOfScopeArePassedOverWithoutAnyCopy() {
        identities.markOutOfScope(12);

        assertThat(identities.passedOver(12)).isTrue();
        assertThat(identities.live(12)).isEmpty();
        assertThat(identities.passedOver(13)).isFalse();
    }

    @Test
    void theCopyOfADroppedCollectionIsDroppedOnceWhateverTheNumberOfChannelsThatSayIt() {
        assertThat(identities.markCopyDropped(11)).isTrue();
        assertThat(identities.markCopyDropped(11)).isFalse();
    }
}
