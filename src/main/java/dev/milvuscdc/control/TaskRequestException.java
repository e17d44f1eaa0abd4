package dev.milvuscdc.control;

/**
 * A task request that cannot be carried out. Client errors are the caller's to fix (bad input,
 * unknown task, wrong state); the others are failures of the server or of what it depends on.
 */
public final class TaskRequestException extends RuntimeException {

    private final boolean clientError;

    private TaskRequestException(String message, boolean clientError) {
        super(message);
        this.clientError = clientError;
    }

    public static TaskRequestException client(String message) {
        return new TaskRequestException(message, true);
    }

    public static TaskRequestException server(String message) {
        return new TaskRequestException(message, false);
    }

    public boolean isClientError() {
        return clientError;
    }
}
