package dev.milvuscdc.task;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TaskScopeTest {

    private static CollectionPattern p(String db, String collection) {
        return new CollectionPattern(db, collection);
    }

    @Test
    void wildcardCollectionInfosMeanTheWholeCluster() {
        TaskSpec spec = TaskSpecFixtures.spec("http://a:1", "*");

        assertThat(TaskScope.of(spec)).containsExactly(p("*", "*"));
    }

    @Test
    void namedCollectionInfosBelongToTheDefaultDatabase() {
        assertThat(TaskScope.of(TaskSpecFixtures.spec("http://a:1", "a", "b"))).containsExactly(p("default", "a"), p("default", "b"));
    }

    @Test
    void dbCollectionsKeepTheirDatabase() {
        TaskSpec spec = TaskSpecFixtures.dbSpec("http://a:1", "shop", "*");

        assertThat(TaskScope.of(spec)).containsExactly(p("shop", "*"));
    }

    @Test
    void patternsIntersectWhenEachPartMatchesOrIsAWildcard() {
        assertThat(TaskScope.intersect(p("*", "orders"), p("shop", "*"))).isTrue();
        assertThat(TaskScope.intersect(p("shop", "a"), p("shop", "a"))).isTrue();
        assertThat(TaskScope.intersect(p("shop", "a"), p("shop", "b"))).isFalse();
        assertThat(TaskScope.intersect(p("d1", "*"), p("d2", "*"))).isFalse();
    }

    @Test
    void overlappingListsTheWantedPatternsThatClash() {
        assertThat(TaskScope.overlapping(List.of(p("d", "a"), p("d", "b"), p("e", "a")), List.of(p("d", "*"))))
                .containsExactly(p("d", "a"), p("d", "b"));
        assertThat(TaskScope.overlapping(List.of(p("d", "a")), List.of())).isEmpty();
    }
}
