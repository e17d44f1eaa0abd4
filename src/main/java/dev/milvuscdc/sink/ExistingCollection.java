package dev.milvuscdc.sink;

import java.util.OptionalLong;

/**
 * A collection that exists on the target, with the source collection it copies when its marker
 * says so; no marker means this CDC did not create it.
 */
public record ExistingCollection(String database, String name, OptionalLong sourceCollectionId) {

    public boolean copies(long sourceCollectionId) {
        return this.sourceCollectionId.isPresent() && this.sourceCollectionId.getAsLong() == sourceCollectionId;
    }
}
