package dev.milvuscdc.task;

/** What a task's fault concerns, as the label {@code kind} of the retry, restart and pause counters. */
public enum FaultKind {
    /** The target Milvus: unreachable, overloaded, refusing credentials or a call. */
    TARGET("target"),
    /** The source's Kafka. */
    KAFKA("kafka"),
    /** The source's Pulsar. */
    PULSAR("pulsar"),
    /** A position the source's Kafka or Pulsar no longer holds. */
    POSITION_LOST("position_lost"),
    /** The source's etcd (its metadata). */
    ETCD("etcd"),
    /** The source Milvus that an initial copy reads. */
    SOURCE_MILVUS("source_milvus"),
    /** The task store. */
    TASK_STORE("task_store"),
    /** Anything else: a bug, running out of memory. */
    UNEXPECTED("unexpected");

    private final String label;

    FaultKind(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
