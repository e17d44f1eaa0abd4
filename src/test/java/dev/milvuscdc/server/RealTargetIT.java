package dev.milvuscdc.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.CdcServer;
import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.config.ConfigLoader;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.server.CdcTestClient.Reply;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server as {@code Main} builds it (real store, real source probe, real target connection
 * check) against the rig: the source is healthy and a task is created against the real target.
 * Runners are fakes: this is about the control plane, the engine has its own tests.
 */
class RealTargetIT {

    @TempDir
    Path dataDir;

    @Test
    void createsATaskAgainstTheRealTargetMilvus() {
        Rig rig = Rig.get();
        CdcConfig config = ConfigLoader.load(Path.of(rig.cdcConfig()),
                Map.of("CDC_ADDRESS", "127.0.0.1:0", "CDC_DATADIR", dataDir.toString())).config();
        FakeRunners runners = new FakeRunners();
        try (CdcServer server = CdcServer.start(config, (store, metrics) -> runners)) {
            CdcTestClient client = new CdcTestClient(server.port());

            Reply health = client.get("/health");
            assertThat(health.json().path("status").asText()).as(health.body()).isEqualTo("UP");

            Reply created = client.request("create", "{\"milvus_connect_param\":{\"uri\":\"" + rig.targetUri()
                    + "\",\"token\":\"root:Milvus\",\"connect_timeout\":10},\"collection_infos\":[{\"name\":\"*\"}]}");
            assertThat(created.code()).as(created.body()).isEqualTo(200);
            String id = created.data().path("task_id").asText();
            assertThat(runners.active(id)).isEqualTo(1);

            Reply wrongTarget = client.request("create", "{\"milvus_connect_param\":{\"uri\":\"" + rig.sourceUri()
                    .replaceAll(":\\d+$", ":1") + "\",\"connect_timeout\":2},\"collection_infos\":[{\"name\":\"*\"}]}");
            assertThat(wrongTarget.code()).isEqualTo(500);
            assertThat(wrongTarget.message()).startsWith("fail to handle the create request, error: fail to connect the milvus: ");

            assertThat(client.request("delete", "{\"task_id\":\"" + id + "\"}").code()).isEqualTo(200);
        }
    }
}
