package dev.milvuscdc.source.meta;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class KeyRevisionsTest {

    private final KeyRevisions revisions = new KeyRevisions();

    @Test
    void aWatchEventOlderThanTheListingAppliedIsRefusedAndTheNextOneAdmitted() {
        assertThat(revisions.admit("collection/1", 12)).as("listed again: Created").isTrue();

        assertThat(revisions.admit("collection/1", 10)).as("the watch's Creating, older").isFalse();
        assertThat(revisions.admit("collection/1", 12)).as("the watch's Created, the same record").isTrue();
        assertThat(revisions.admit("collection/1", 15)).as("a later change").isTrue();
    }

    @Test
    void keysAreJudgedApart() {
        revisions.admit("collection/1", 20);

        assertThat(revisions.admit("collection/2", 5)).isTrue();
    }
}
