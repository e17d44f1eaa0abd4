package dev.milvuscdc.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** The {@code request_data} shapes of the request types other than {@code create}. */
final class Requests {

    private Requests() {
    }

    record TaskIdRequest(@JsonProperty("task_id") String taskId) {
    }

    record DeleteRequest(@JsonProperty("task_id") String taskId,
                         @JsonProperty("ignore_not_found") boolean ignoreNotFound) {
    }

    record MaintenanceRequest(@JsonProperty("operation") String operation,
                              @JsonProperty("params") Map<String, Object> params) {
    }

    record ListRequest() {
    }
}
