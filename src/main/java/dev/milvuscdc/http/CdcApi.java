package dev.milvuscdc.http;

import dev.milvuscdc.control.TaskManager;
import dev.milvuscdc.control.TaskRequestException;
import dev.milvuscdc.http.RequestDecoder.DecodeException;
import dev.milvuscdc.http.Requests.DeleteRequest;
import dev.milvuscdc.http.Requests.MaintenanceRequest;
import dev.milvuscdc.http.Requests.TaskIdRequest;
import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.task.TaskSpec;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /cdc}: decodes the envelope, runs the request against the {@link TaskManager} and
 * classifies the outcome into the reference's codes and messages.
 */
final class CdcApi {

    private static final Logger LOG = LoggerFactory.getLogger(CdcApi.class);

    private final TaskManager tasks;
    private final RequestDecoder decoder;
    private final TaskViews views;
    private final Maintenance maintenance = new Maintenance();
    private final CdcMetrics metrics;

    CdcApi(TaskManager tasks, RequestDecoder decoder, TaskViews views, CdcMetrics metrics) {
        this.tasks = tasks;
        this.decoder = decoder;
        this.views = views;
        this.metrics = metrics;
    }

    ApiReply handle(byte[] body) {
        long started = System.nanoTime();
        RequestDecoder.Envelope envelope;
        try {
            envelope = decoder.envelope(body);
        } catch (DecodeException e) {
            metrics.request("unknown", "unmarshal_error");
            return ApiReply.error(ApiReply.SERVER_ERROR, "fail to unmarshal the request, error: " + e.getMessage());
        }
        Optional<RequestType> type = RequestType.of(envelope.requestType());
        if (type.isEmpty()) {
            metrics.request("unknown", "total");
            return ApiReply.error(ApiReply.BAD_REQUEST, RequestType.INVALID_MESSAGE);
        }
        String name = type.get().wire;
        metrics.request(name, "total");
        try {
            ApiReply reply = ApiReply.ok(run(type.get(), envelope));
            metrics.request(name, "success");
            metrics.requestLatency(name, (System.nanoTime() - started) / 1_000_000);
            return reply;
        } catch (DecodeException e) {
            return ApiReply.error(ApiReply.SERVER_ERROR, "fail to decode the " + name + " request, error: " + e.getMessage());
        } catch (TaskRequestException e) {
            int code = e.isClientError() ? ApiReply.BAD_REQUEST : ApiReply.SERVER_ERROR;
            return ApiReply.error(code, "fail to handle the " + name + " request, error: " + e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("unexpected failure of a {} request", name, e);
            return ApiReply.error(ApiReply.SERVER_ERROR, "fail to handle the " + name + " request, error: internal error ("
                    + e.getClass().getSimpleName() + "), see the server log");
        }
    }

    /**
     * The {@code data} of a successful answer; {@code {}} for delete, pause and resume, as the Milvus
     * docs show it (the reference sends none, which clients that read {@code data} fail on).
     */
    private Object run(RequestType type, RequestDecoder.Envelope envelope) {
        return switch (type) {
            case CREATE -> Map.of("task_id", tasks.create(decoder.decode(envelope.requestData(), TaskSpec.class)));
            case DELETE -> {
                DeleteRequest request = decoder.decode(envelope.requestData(), DeleteRequest.class);
                tasks.delete(request.taskId() == null ? "" : request.taskId(), request.ignoreNotFound());
                yield Map.of();
            }
            case PAUSE -> {
                tasks.pause(taskId(envelope));
                yield Map.of();
            }
            case RESUME -> {
                tasks.resume(taskId(envelope));
                yield Map.of();
            }
            case GET -> views.taskData(tasks.get(taskId(envelope)));
            case LIST -> {
                decoder.decode(envelope.requestData(), Requests.ListRequest.class);
                yield views.listData(tasks.list());
            }
            case POSITION -> views.positionData(tasks.positions(taskId(envelope)));
            case MAINTENANCE -> maintenance.handle(decoder.decode(envelope.requestData(), MaintenanceRequest.class));
        };
    }

    private String taskId(RequestDecoder.Envelope envelope) {
        String taskId = decoder.decode(envelope.requestData(), TaskIdRequest.class).taskId();
        return taskId == null ? "" : taskId;
    }
}
