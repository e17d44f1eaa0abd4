package dev.milvuscdc.control;

import static dev.milvuscdc.control.TaskRequestException.client;

import dev.milvuscdc.task.CollectionPattern;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskScope;
import dev.milvuscdc.task.TaskSpec;
import java.util.List;
import java.util.Locale;

/**
 * The checks of a {@code create} request against the tasks already stored: no collection
 * replicated twice to one target, and the task limit.
 */
final class ExistingTaskChecks {

    private final TaskLimits limits;

    ExistingTaskChecks(TaskLimits limits) {
        this.limits = limits;
    }

    void check(TaskSpec spec, List<TaskRecord> existing) {
        String target = targetKey(spec);
        List<TaskRecord> sameTarget = existing.stream().filter(t -> targetKey(t.spec()).equals(target)).toList();
        List<CollectionPattern> taken = sameTarget.stream().flatMap(t -> TaskScope.of(t.spec()).stream()).toList();
        List<CollectionPattern> overlap = TaskScope.overlapping(TaskScope.of(spec), taken);
        if (!overlap.isEmpty()) {
            throw client("the collection name is duplicate with existing task, " + CreateValidator.goList(overlap));
        }
        if (existing.size() >= limits.maxTaskNum()) {
            throw TaskRequestException.server("the task num has reach the limit, " + limits.maxTaskNum());
        }
    }

    /** Tasks writing to the same Milvus share it: compare their addresses, spelled alike. */
    static String targetKey(TaskSpec spec) {
        if (spec.milvusConnectParam() == null) {
            return "";
        }
        String uri = spec.milvusConnectParam().effectiveUri().trim().toLowerCase(Locale.ROOT);
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }
}
