package dev.milvuscdc.source.meta;

/** A source database as etcd describes it. */
public record DatabaseMeta(long id, String name) {
}
