package dev.milvuscdc.task;

/**
 * One {@code db.collection} item of a task's scope, where either part may be {@code *}.
 * {@code collection_infos} entries belong to database {@code default}.
 */
public record CollectionPattern(String database, String collection) {

    public static final String ANY = "*";

    public boolean matches(String db, String coll) {
        return (ANY.equals(database) || database.equals(db)) && (ANY.equals(collection) || collection.equals(coll));
    }

    /** True when every collection this pattern names is also named by {@code other}. */
    public boolean coveredBy(CollectionPattern other) {
        return (ANY.equals(other.database) || other.database.equals(database))
                && (ANY.equals(other.collection) || other.collection.equals(collection));
    }

    @Override
    public String toString() {
        return database + "." + collection;
    }
}
