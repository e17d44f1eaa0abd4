package dev.milvuscdc.replication;

import dev.milvuscdc.task.CollectionPattern;
import dev.milvuscdc.task.TaskScope;
import dev.milvuscdc.task.TaskSpec.CollectionInfo;
import dev.milvuscdc.task.TaskSpec;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The databases and collections a task replicates, as the engine asks about them, and the
 * collections it takes over from a restored backup: those that name their start ({@code positions}
 * or {@code use_start_position}), whose target copy may exist without this CDC having made it.
 */
record Scope(List<CollectionPattern> patterns, Set<String> handedOver) {

    static final String DEFAULT_DB = TaskScope.DEFAULT_DB;

    Scope {
        patterns = List.copyOf(patterns);
        handedOver = Set.copyOf(handedOver);
    }

    Scope(List<CollectionPattern> patterns) {
        this(patterns, Set.of());
    }

    static Scope of(TaskSpec spec) {
        Set<String> handedOver = new HashSet<>();
        if (spec.collectionInfos() != null) {
            spec.collectionInfos().stream().filter(Scope::namesItsStart)
                    .forEach(info -> handedOver.add(DEFAULT_DB + "." + info.name()));
        }
        if (spec.dbCollections() != null) {
            for (Map.Entry<String, List<CollectionInfo>> db : spec.dbCollections().entrySet()) {
                db.getValue().stream().filter(Scope::namesItsStart).forEach(info -> handedOver.add(db.getKey() + "." + info.name()));
            }
        }
        return new Scope(TaskScope.of(spec), handedOver);
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

    /** True when the task takes the collection over from a restored backup. */
    boolean handsOver(String database, String collection) {
        return handedOver.contains(database + "." + collection);
    }

    private static boolean namesItsStart(CollectionInfo info) {
        return info.useStartPosition() || info.positions() != null && !info.positions().isEmpty();
    }
}
