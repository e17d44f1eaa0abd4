package dev.milvuscdc.task;

import dev.milvuscdc.task.TaskSpec.CollectionInfo;
import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Task specs for unit tests: a target URI and a scope, nothing else. */
public final class TaskSpecFixtures {

    private TaskSpecFixtures() {
    }

    public static TaskSpec spec(String uri, String... collections) {
        List<CollectionInfo> infos = Arrays.stream(collections).map(c -> new CollectionInfo(c, null, false)).toList();
        return new TaskSpec(new MilvusConnectParam(uri, "root:pw", null, 0, null, null, false, null, 0, false, 1),
                null, infos, null, null, null, null, null, false, null);
    }

    public static TaskSpec dbSpec(String uri, String db, String collection) {
        return new TaskSpec(new MilvusConnectParam(uri, null, null, 0, null, null, false, null, 0, false, 1),
                null, null, Map.of(db, List.of(new CollectionInfo(collection, null, false))), null, null, null, null,
                false, null);
    }
}
