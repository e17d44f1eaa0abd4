package dev.milvuscdc.server;

import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.store.TaskStore;
import dev.milvuscdc.store.TaskStores;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Restart with the embedded (H2) store in a fresh data directory. */
class RestartTest extends RestartContract {

    @TempDir
    Path dataDir;

    @Override
    TaskStore openStore(CdcConfig config) {
        return TaskStores.embedded(dataDir, config.metaStore().rootPath());
    }
}
