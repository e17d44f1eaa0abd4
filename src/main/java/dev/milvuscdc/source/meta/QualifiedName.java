package dev.milvuscdc.source.meta;

/** A collection's database and name. */
public record QualifiedName(String database, String collection) {

    @Override
    public String toString() {
        return database + "." + collection;
    }
}
