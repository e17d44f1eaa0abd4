package dev.milvuscdc.replication;

/**
 * The target calls in flight on one target object (a collection or partition copy), so that
 * dropping the object can wait for them: a call that started before the drop must not land after
 * it, in a new object of the same name. Once retired, no call starts on the object any more.
 * Thread-safe.
 */
final class InFlight {

    private int calls;
    private boolean retired;

    /** Registers a call about to start; false when the object is retired and the call must not run. */
    synchronized boolean enter() {
        if (retired) {
            return false;
        }
        calls++;
        return true;
    }

    synchronized void exit() {
        calls--;
        if (calls == 0) {
            notifyAll();
        }
    }

    /** Lets no new call start and waits until the calls in flight have ended. */
    synchronized void retire() throws InterruptedException {
        retired = true;
        while (calls > 0) {
            wait();
        }
    }
}
