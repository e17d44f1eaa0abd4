package dev.milvuscdc.task;

import dev.milvuscdc.task.TaskSpec.CollectionInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The collections a task replicates, as {@code db.collection} patterns. Unlike the reference,
 * {@code collection_infos: [{"name":"*"}]} means the whole cluster ({@code *.*}), every database now
 * and later; named {@code collection_infos} entries belong to database {@code default}.
 */
public final class TaskScope {

    public static final String DEFAULT_DB = "default";

    private TaskScope() {
    }

    public static List<CollectionPattern> of(TaskSpec spec) {
        List<CollectionPattern> patterns = new ArrayList<>();
        List<CollectionInfo> infos = spec.collectionInfos();
        if (infos != null && infos.size() == 1 && CollectionPattern.ANY.equals(infos.get(0).name())) {
            patterns.add(new CollectionPattern(CollectionPattern.ANY, CollectionPattern.ANY));
        } else if (infos != null) {
            infos.forEach(info -> patterns.add(new CollectionPattern(DEFAULT_DB, info.name())));
        }
        Map<String, List<CollectionInfo>> byDb = spec.dbCollections();
        if (byDb != null) {
            byDb.forEach((db, list) -> list.forEach(info -> patterns.add(new CollectionPattern(db, info.name()))));
        }
        return patterns;
    }

    /** Whether some collection could be named by both patterns. */
    public static boolean intersect(CollectionPattern a, CollectionPattern b) {
        return partsIntersect(a.database(), b.database()) && partsIntersect(a.collection(), b.collection());
    }

    /** The patterns of {@code wanted} that share a collection with {@code existing}. */
    public static List<CollectionPattern> overlapping(List<CollectionPattern> wanted, List<CollectionPattern> existing) {
        return wanted.stream().filter(w -> existing.stream().anyMatch(e -> intersect(w, e))).toList();
    }

    private static boolean partsIntersect(String a, String b) {
        return CollectionPattern.ANY.equals(a) || CollectionPattern.ANY.equals(b) || a.equals(b);
    }
}
