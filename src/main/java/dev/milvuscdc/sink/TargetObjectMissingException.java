package dev.milvuscdc.sink;

/**
 * The collection or partition a call names does not exist on the target. Permanent for the call;
 * the engine decides whether it matters: not when the source dropped the object too.
 */
public final class TargetObjectMissingException extends PermanentTargetException {

    public TargetObjectMissingException(String operation, String object, String detail) {
        super(operation, object, detail, "Check that nobody dropped it on the target, then resume the task");
    }
}
