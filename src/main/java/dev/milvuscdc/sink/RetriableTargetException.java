package dev.milvuscdc.sink;

/** A target failure that may go away by itself (unreachable, overloaded, not ready): retry with backoff. */
public final class RetriableTargetException extends TargetException {

    private final boolean unreachable;

    public RetriableTargetException(String operation, String object, String detail, String hint, Throwable cause) {
        this(operation, object, detail, hint, cause, false);
    }

    public RetriableTargetException(String operation, String object, String detail, String hint, Throwable cause,
                             boolean unreachable) {
        super(operation, object, detail, hint, cause);
        this.unreachable = unreachable;
    }

    /**
     * Whether the target (or one of its roles) was down or still starting, rather than busy: it may
     * have restarted, and a Milvus 2.3.5 that restarts can lose writes it acknowledged but had not
     * flushed yet (docs/rig.md), so the engine writes them again once it is back.
     */
    public boolean unreachable() {
        return unreachable;
    }
}
