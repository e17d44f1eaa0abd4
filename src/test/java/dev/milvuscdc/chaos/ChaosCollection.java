package dev.milvuscdc.chaos;

import dev.milvuscdc.rig.MilvusPair;
import java.util.Map;

/**
 * A source collection of the chaos workload.
 *
 * @param schema the driver's schema kind (milvus_driver.py), which also decides the rows' values
 */
record ChaosCollection(String db, String name, String schema, int shards) {

    /** The driver arguments that name this collection, with more keys and values. */
    Map<String, Object> args(Object... keyValues) {
        return MilvusPair.with(Map.of("db", db, "name", name, "schema", schema), keyValues);
    }

    boolean autoId() {
        return schema.equals("autoid");
    }

    @Override
    public String toString() {
        return db + "." + name;
    }
}
