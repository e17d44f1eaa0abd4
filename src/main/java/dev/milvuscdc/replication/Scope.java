package dev.milvuscdc.replication;

import dev.milvuscdc.task.CollectionPattern;
import dev.milvuscdc.task.TaskScope;
import java.util.List;

/** The databases and collections a task replicates, as the engine asks about them. */
record Scope(List<CollectionPattern> patterns) {

    static final String DEFAULT_DB = TaskScope.DEFAULT_DB;

    Scope {
        patterns = List.copyOf(patterns);
    }

    boolean covers(String database, String collection) {
        return patterns.stream().anyMatch(p -> p.matches(database, collection));
    }

    /** True when every collection of the database, now and later, is in scope. */
    boolean coversWholeDatabase(String database) {
        return patterns.stream().anyMatch(p -> CollectionPattern.ANY.equals(p.collection())
                && p.matches(database, CollectionPattern.ANY));
    }

    /** True when some collection of the database may be in scope. */
    boolean coversAnyOf(String database) {
        return patterns.stream().anyMatch(p -> CollectionPattern.ANY.equals(p.database()) || p.database().equals(database));
    }
}
