package dev.milvuscdc.replication;

/**
 * Where the initial copy of one collection spent its time, for its log line: reading pages from
 * the source, and handing them to the target (which waits while the calls in flight are as many as
 * allowed, and at the end until they are all done). What is left of the copy's time went to
 * storing its progress and to the index and the load.
 */
final class CopyTimes {

    private long readingNanos;
    private long writingNanos;
    private long pages;

    /** A page read from {@code since} (a {@link System#nanoTime()}) until now. */
    void read(long since, int rows) {
        readingNanos += System.nanoTime() - since;
        if (rows > 0) {
            pages++;
        }
    }

    /** Rows handed to the target from {@code since} until now. */
    void handedOver(long since) {
        writingNanos += System.nanoTime() - since;
    }

    @Override
    public String toString() {
        return String.format("%d pages, %.1f s reading the source, %.1f s waiting for the target", pages,
                readingNanos / 1e9, writingNanos / 1e9);
    }
}
