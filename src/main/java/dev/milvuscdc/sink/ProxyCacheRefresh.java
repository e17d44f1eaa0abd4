package dev.milvuscdc.sink;

import io.milvus.grpc.CreateAliasRequest;
import io.milvus.grpc.DropAliasRequest;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Makes a Milvus 2.3 target's proxy read a collection's description and partitions again. The proxy
 * caches them and drops its copy only when its root coordinator tells it that the collection changed.
 * For some seconds after the target restarts, the root coordinator still sends those notices to the
 * proxy that ran before the restart: the new proxy keeps what it cached, and a partition created
 * meanwhile stays unknown to it for good, so every write naming that partition fails with "partition
 * not found" although the target has it (measured on the rig, {@code StaleProxyCacheIT}; it paused a
 * task of the fault schedule). An alias created and dropped again makes the root coordinator send the
 * notice once more, by then to the running proxy. The alias exists for the moment between the two calls.
 */
final class ProxyCacheRefresh {

    private final TargetCalls calls;

    ProxyCacheRefresh(TargetCalls calls) {
        this.calls = calls;
    }

    void refresh(String db, String collection) {
        String object = TargetCalls.object(db, collection);
        String alias = "milvus_cdc_refresh_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
        calls.call("refresh the proxy's view of", object, db, s -> s.createAlias(CreateAliasRequest.newBuilder()
                .setDbName(db).setCollectionName(collection).setAlias(alias).build()), status -> status);
        calls.call("refresh the proxy's view of", object, db, s -> s.dropAlias(DropAliasRequest.newBuilder()
                .setDbName(db).setAlias(alias).build()), status -> status);
    }
}
