package dev.milvuscdc.sink;

/**
 * A target operation failed. The message names the operation, the object ({@code db.collection})
 * and a hint at the fix; subclasses say whether retrying can help.
 */
public abstract class TargetException extends RuntimeException {

    private final String operation;
    private final String object;
    private final String detail;
    private final String hint;

    protected TargetException(String operation, String object, String detail, String hint, Throwable cause) {
        super(operation + " " + object + " on the target Milvus failed: " + detail + ". " + hint, cause);
        this.operation = operation;
        this.object = object;
        this.detail = detail;
        this.hint = hint;
    }

    public String operation() {
        return operation;
    }

    public String object() {
        return object;
    }

    /** What went wrong, without the operation, the object and the hint around it. */
    public String detail() {
        return detail;
    }

    public String hint() {
        return hint;
    }
}
