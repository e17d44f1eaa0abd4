package dev.milvuscdc.server;

import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.store.TaskStores;
import java.util.UUID;

/** Restart with the MySQL store on the rig's real MariaDB, under a root path of its own. */
class RestartMysqlIT extends RestartContract {

    private final String rootPath = "restart-it-" + UUID.randomUUID();

    @Override
    TaskStore openStore(CdcConfig config) {
        return TaskStores.mysql(Rig.get().mysqlUrl(), null, null, rootPath);
    }
}
