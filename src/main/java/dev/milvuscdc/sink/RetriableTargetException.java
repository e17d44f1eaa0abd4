package dev.milvuscdc.sink;

import java.time.Duration;
import java.util.Optional;

/** A target failure that may go away by itself (unreachable, overloaded, not ready): retry with backoff. */
public final class RetriableTargetException extends TargetException {

    private final boolean unreachable;
    private final Duration patience;

    public RetriableTargetException(String operation, String object, String detail, String hint, Throwable cause) {
        this(operation, object, detail, hint, cause, false);
    }

    public RetriableTargetException(String operation, String object, String detail, String hint, Throwable cause,
                             boolean unreachable) {
        this(operation, object, detail, hint, cause, unreachable, null);
    }

    private RetriableTargetException(String operation, String object, String detail, String hint, Throwable cause,
                                     boolean unreachable, Duration patience) {
        super(operation, object, detail, hint, cause);
        this.unreachable = unreachable;
        this.patience = patience;
    }

    /**
     * A failure that time usually cures but may not: retried for {@code patience} at most, counted
     * from its first try, and then {@link #givenUp given up} so the task pauses with the reason.
     */
    public static RetriableTargetException forAWhile(String operation, String object, String detail, String hint,
                                              Duration patience) {
        return new RetriableTargetException(operation, object, detail, hint, null, false, patience);
    }

    /**
     * Whether the target (or one of its roles) was down or still starting, rather than busy: it may
     * have restarted, and a Milvus 2.3.5 that restarts can lose writes it acknowledged but had not
     * flushed yet (docs/rig.md), so the engine writes them again once it is back.
     */
    public boolean unreachable() {
        return unreachable;
    }

    /** How long the failure is worth retrying; empty when time is sure to cure it. */
    public Optional<Duration> patience() {
        return Optional.ofNullable(patience);
    }

    /** The permanent failure this one becomes when it outlasted the retries of {@code failingFor}. */
    public PermanentTargetException givenUp(Duration failingFor) {
        return new PermanentTargetException(operation(), object(), "still failing after " + failingFor.toSeconds()
                + " s of retries: " + detail(), "Check the target Milvus's log for the cause, then resume the task", this);
    }
}
