package dev.milvuscdc.server;

import dev.milvuscdc.CdcServer;
import dev.milvuscdc.config.CdcConfig;
import dev.milvuscdc.config.ConfigLoader;
import dev.milvuscdc.control.TargetProbe;
import dev.milvuscdc.source.SourceProbe;
import dev.milvuscdc.store.TaskStore;
import java.util.HashMap;
import java.util.Map;

/** Starts servers on a free local port with fakes for what lies outside the process. */
public final class TestServers {

    public static final SourceProbe.Status SOURCE_UP = new SourceProbe.Status(SourceProbe.UP, "kafka", SourceProbe.UP);
    public static final TargetProbe TARGET_UP = target -> { };

    private TestServers() {
    }

    /** A configuration of defaults, listening on 127.0.0.1 at a free port, with these overrides. */
    public static CdcConfig config(Map<String, String> env) {
        Map<String, String> all = new HashMap<>(env);
        all.putIfAbsent("CDC_ADDRESS", "127.0.0.1:0");
        return ConfigLoader.load(null, all).config();
    }

    public static CdcServer start(CdcConfig config, TaskStore store, FakeRunners runners) {
        return CdcServer.start(config, new CdcServer.Outside(store, runners, TARGET_UP, () -> SOURCE_UP));
    }
}
