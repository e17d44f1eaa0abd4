package dev.milvuscdc.sink;

/**
 * The collection or partition a call names does not exist on the target. Permanent for the call;
 * the engine decides whether it matters: not when the source dropped the object too.
 */
public final class TargetObjectMissingException extends PermanentTargetException {

    private final boolean partition;

    /** @param partition whether the target said the partition is missing (its collection exists) */
    public TargetObjectMissingException(String operation, String object, String detail, boolean partition) {
        super(operation, object, detail, "Check that nobody dropped it on the target, then resume the task");
        this.partition = partition;
    }

    /** Whether the target said the partition is missing, rather than the collection or its database. */
    public boolean partition() {
        return partition;
    }
}
