package dev.milvuscdc.task;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * Where the initial copy of a task with {@code snapshot: "initial"} stands, as {@code get} and
 * {@code list} show it.
 *
 * @param phase       {@code copying} until every collection is copied, then {@code streaming}
 * @param collections the collections whose copy began, in the order they were copied
 */
public record CopyStatus(String phase, List<Collection> collections) {

    public CopyStatus {
        collections = List.copyOf(collections);
    }

    /**
     * @param name        {@code database.collection}
     * @param state       {@code copying}, {@code copied} (waiting for the others), or {@code streaming}
     * @param rowsCopied  rows the target acknowledged so far
     * @param rowsAtStart rows the source held when the collection's copy began
     */
    public record Collection(@JsonProperty("name") String name, @JsonProperty("state") String state,
                             @JsonProperty("rows_copied") long rowsCopied,
                             @JsonProperty("rows_at_start") long rowsAtStart) {
    }
}
