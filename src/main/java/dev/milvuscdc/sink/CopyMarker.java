package dev.milvuscdc.sink;

import io.milvus.grpc.KeyValuePair;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The collection property that names the source collection a target collection copies. Source
 * ids are never reused, while names are: a dropped collection's name may come back as a new
 * collection, and only the id tells the copy of the old one from the copy of the new one. The
 * property travels with the target collection, so every task and every restart can read it.
 */
final class CopyMarker {

    static final String KEY = "milvus-cdc.source-collection-id";

    private CopyMarker() {
    }

    /** The source's properties (without a marker another CDC may have put there) plus this copy's marker. */
    static List<KeyValuePair> withMarker(List<KeyValuePair> sourceProperties, long sourceCollectionId) {
        List<KeyValuePair> properties = new ArrayList<>();
        sourceProperties.stream().filter(p -> !KEY.equals(p.getKey())).forEach(properties::add);
        properties.add(KeyValuePair.newBuilder().setKey(KEY).setValue(Long.toString(sourceCollectionId)).build());
        return properties;
    }

    /** The source collection id a target collection's properties name; empty when it has no (valid) marker. */
    static OptionalLong sourceId(List<KeyValuePair> properties) {
        for (KeyValuePair property : properties) {
            if (KEY.equals(property.getKey())) {
                try {
                    return OptionalLong.of(Long.parseLong(property.getValue()));
                } catch (NumberFormatException e) {
                    return OptionalLong.empty();
                }
            }
        }
        return OptionalLong.empty();
    }
}
