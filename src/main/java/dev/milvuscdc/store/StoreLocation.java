package dev.milvuscdc.store;

/**
 * Which store a failure happened in and what the operator can do about it, so every
 * {@link StoreException} reads the same way: store, place, action, task, cause, hint.
 *
 * @param kind  the backend as an operator knows it, e.g. {@code MySQL}
 * @param where where it lives, without credentials (a directory, a URL without its query, endpoints)
 * @param hint  what to check, naming the configuration key
 */
public record StoreLocation(String kind, String where, String hint) {

    /** A failure of {@code action} (e.g. "save positions") for a task; {@code taskId} may be null. */
    public StoreException failure(String action, String taskId, Throwable cause) {
        return new StoreException(prefix(action, taskId) + describe(cause) + "; " + hint, cause);
    }

    /**
     * A failure that no configuration fixes, such as an id too long to store or an unreadable stored
     * value, so the message carries no configuration hint.
     */
    public StoreException invalid(String action, String taskId, String problem) {
        return new StoreException(prefix(action, taskId) + problem, null, false);
    }

    private String prefix(String action, String taskId) {
        return this + ": cannot " + (taskId == null ? action : action + " of task " + taskId) + ": ";
    }

    private static String describe(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return message == null || message.isBlank() ? root.getClass().getSimpleName() : message;
    }

    @Override
    public String toString() {
        return kind + " task store at " + where;
    }
}
