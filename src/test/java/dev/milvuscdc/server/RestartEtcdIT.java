package dev.milvuscdc.server;

import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.store.TaskStores;
import java.util.List;
import java.util.UUID;

/** Restart with the etcd store on the rig's real etcd, under a root path of its own. */
class RestartEtcdIT extends RestartContract {

    private final String rootPath = "restart-it-" + UUID.randomUUID();

    @Override
    TaskStore openStore(CdcConfig config) {
        return TaskStores.etcd(List.of(Rig.get().etcdEndpoints().split(",")), "", "", rootPath);
    }
}
