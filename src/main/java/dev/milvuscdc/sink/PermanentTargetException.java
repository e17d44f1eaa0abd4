package dev.milvuscdc.sink;

/** A target failure that retrying cannot fix (credentials, schema conflict, invalid request): an operator must act. */
public class PermanentTargetException extends TargetException {

    public PermanentTargetException(String operation, String object, String detail, String hint) {
        super(operation, object, detail, hint, null);
    }

    public PermanentTargetException(String operation, String object, String detail, String hint, Throwable cause) {
        super(operation, object, detail, hint, cause);
    }
}
