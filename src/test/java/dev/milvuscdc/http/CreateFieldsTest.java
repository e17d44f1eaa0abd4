package dev.milvuscdc.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.milvuscdc.CdcServer;
import dev.milvuscdc.server.CdcTestClient;
import dev.milvuscdc.server.CdcTestClient.Reply;
import dev.milvuscdc.server.FakeRunners;
import dev.milvuscdc.server.TestServers;
import dev.milvuscdc.store.InMemoryTaskStore;
import dev.milvuscdc.task.CollectionPattern;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskScope;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every field of {@code create}, walked from the request model itself: what each one does to the
 * task the runner gets and to the target check, or the 400 that refuses it. The defaults that
 * reference scripts send are accepted. To cover a new field, add a row;
 * {@link #everyFieldOfCreateHasARow} fails until then.
 */
class CreateFieldsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String BASE = "{\"milvus_connect_param\":{\"uri\":\"http://127.0.0.1:19540\"},"
            + "\"collection_infos\":[{\"name\":\"c1\"}]}";
    private static final String CREATE = "fail to handle the create request, error: ";
    private static final String KAFKA = CREATE + "the kafka downstream (kafka_connect_param) is not supported by this "
            + "server, replicate to a Milvus with milvus_connect_param";

    private static final String SNAPSHOT_WITH_POSITIONS = CREATE + "snapshot \"initial\" starts the stream where the "
            + "copy begins: it cannot be combined with positions, use_start_position or rpc_channel_info.position; "
            + "leave those out or the snapshot";
    /** The test servers know a source Milvus, which snapshot "initial" needs. */
    private static final Map<String, String> SOURCE_MILVUS = Map.of("CDC_SOURCECONFIG_MILVUS_URI", "http://127.0.0.1:19530");

    /** Fields the engine rewrite reads (start positions); their rows come with it. */
    private static final Set<String> FIELDS_OF_THE_ENGINE_REWRITE = Set.of(
            "collection_infos[].positions", "collection_infos[].use_start_position",
            "db_collections.<db>[].positions", "db_collections.<db>[].use_start_position",
            "rpc_channel_info.position");

    /** A field, the JSON merged into a minimal valid request (a null removes a key), and what must follow. */
    record Row(String field, String patch, Check check) {
        @Override
        public String toString() {
            return field;
        }
    }

    @FunctionalInterface
    interface Check {
        void verify(Created created) throws Exception;
    }

    static Row effect(String field, String patch, Check check) {
        return new Row(field, patch, created -> {
            assertThat(created.reply().code()).as(created.reply().body()).isEqualTo(200);
            check.verify(created);
        });
    }

    static Row refused(String field, String patch, String message) {
        return new Row(field, patch, created -> {
            assertThat(created.reply().code()).isEqualTo(400);
            assertThat(created.reply().message()).isEqualTo(message);
            assertThat(created.runners().created()).isEmpty();
        });
    }

    static Stream<Row> rows() {
        String tls = "{\"milvus_connect_param\":{\"dial_config\":{\"server_name\":\"milvus.local\","
                + "\"server_pem_path\":\"/certs/server.pem\",\"ca_pem_path\":\"/certs/ca.pem\","
                + "\"client_pem_path\":\"/certs/client.pem\",\"client_key_path\":\"/certs/client.key\"}}}";
        return Stream.of(
                effect("milvus_connect_param.uri", "{\"milvus_connect_param\":{\"uri\":\"http://10.1.2.3:19541\"}}",
                        c -> assertThat(c.targetChecked().effectiveUri()).isEqualTo("http://10.1.2.3:19541")
                                .isEqualTo(c.runnerTarget().effectiveUri())),
                effect("milvus_connect_param.token", "{\"milvus_connect_param\":{\"token\":\"root:tok-7\"}}", c -> {
                    assertThat(c.targetChecked().effectiveToken()).isEqualTo("root:tok-7");
                    assertThat(c.runnerTarget().effectiveToken()).isEqualTo("root:tok-7");
                    assertThat(c.get().toString()).doesNotContain("tok-7");
                }),
                effect("milvus_connect_param.host", "{\"milvus_connect_param\":{\"uri\":\"\",\"host\":\"10.1.2.3\","
                        + "\"port\":19541}}", c -> assertThat(c.runnerTarget().effectiveUri()).isEqualTo("http://10.1.2.3:19541")),
                effect("milvus_connect_param.port", "{\"milvus_connect_param\":{\"uri\":\"\",\"host\":\"h\",\"port\":19542}}",
                        c -> assertThat(c.targetChecked().effectiveUri()).isEqualTo("http://h:19542")),
                effect("milvus_connect_param.username", "{\"milvus_connect_param\":{\"username\":\"u\",\"password\":\"pw-7\"}}",
                        c -> assertThat(c.targetChecked().effectiveToken()).isEqualTo("u:pw-7")),
                effect("milvus_connect_param.password", "{\"milvus_connect_param\":{\"username\":\"u\",\"password\":\"pw-8\"}}",
                        c -> {
                            assertThat(c.runnerTarget().effectiveToken()).isEqualTo("u:pw-8");
                            assertThat(c.get().toString()).doesNotContain("pw-8");
                        }),
                effect("milvus_connect_param.enable_tls", "{\"milvus_connect_param\":{\"uri\":\"\",\"host\":\"h\","
                        + "\"port\":443,\"enable_tls\":true}}", c -> assertThat(c.targetChecked().effectiveUri())
                        .isEqualTo("https://h:443")),
                effect("milvus_connect_param.dial_config.server_name", tls,
                        c -> assertThat(c.targetChecked().dialConfig().serverName()).isEqualTo("milvus.local")),
                effect("milvus_connect_param.dial_config.server_pem_path", tls,
                        c -> assertThat(c.targetChecked().dialConfig().serverPemPath()).isEqualTo("/certs/server.pem")),
                effect("milvus_connect_param.dial_config.ca_pem_path", tls,
                        c -> assertThat(c.runnerTarget().dialConfig().caPemPath()).isEqualTo("/certs/ca.pem")),
                effect("milvus_connect_param.dial_config.client_pem_path", tls,
                        c -> assertThat(c.runnerTarget().dialConfig().clientPemPath()).isEqualTo("/certs/client.pem")),
                effect("milvus_connect_param.dial_config.client_key_path", tls,
                        c -> assertThat(c.runnerTarget().dialConfig().clientKeyPath()).isEqualTo("/certs/client.key")),
                effect("milvus_connect_param.channel_num", "{\"milvus_connect_param\":{\"channel_num\":16}}",
                        c -> assertThat(c.get().path("milvus_connect_param").path("channel_num").asInt()).isEqualTo(16)),
                refused("milvus_connect_param.ignore_partition", "{\"milvus_connect_param\":{\"ignore_partition\":true}}",
                        CREATE + "ignore_partition is not supported: partitions are always created and dropped on the "
                                + "target; create the task with ignore_partition false"),
                effect("milvus_connect_param.connect_timeout", "{\"milvus_connect_param\":{\"connect_timeout\":7}}",
                        c -> assertThat(c.targetChecked().connectTimeout()).isEqualTo(7)),
                refused("kafka_connect_param.address", "{\"milvus_connect_param\":null,\"kafka_connect_param\":"
                        + "{\"address\":\"k:9092\",\"topic\":\"t\"}}", KAFKA),
                refused("kafka_connect_param.topic", "{\"kafka_connect_param\":{\"topic\":\"t\"}}", KAFKA),
                refused("kafka_connect_param.enable_sasl", "{\"kafka_connect_param\":{\"enable_sasl\":true}}", KAFKA),
                refused("kafka_connect_param.sasl.username", "{\"kafka_connect_param\":{\"sasl\":{\"username\":\"u\"}}}", KAFKA),
                refused("kafka_connect_param.sasl.password", "{\"kafka_connect_param\":{\"sasl\":{\"password\":\"p\"}}}", KAFKA),
                refused("kafka_connect_param.sasl.mechanisms", "{\"kafka_connect_param\":{\"sasl\":{\"mechanisms\":\"PLAIN\"}}}",
                        KAFKA),
                refused("kafka_connect_param.sasl.security_protocol",
                        "{\"kafka_connect_param\":{\"sasl\":{\"security_protocol\":\"SASL_SSL\"}}}", KAFKA),
                effect("collection_infos[].name", "{\"collection_infos\":[{\"name\":\"orders\"},{\"name\":\"users\"}]}",
                        c -> assertThat(c.runnerScope()).containsExactly(new CollectionPattern("default", "orders"),
                                new CollectionPattern("default", "users"))),
                effect("db_collections.<db>[].name", "{\"collection_infos\":null,\"db_collections\":{\"shop\":"
                        + "[{\"name\":\"orders\"}],\"*\":[{\"name\":\"audit\"}]}}", c -> assertThat(c.runnerScope())
                        .containsExactlyInAnyOrder(new CollectionPattern("shop", "orders"), new CollectionPattern("*", "audit"))),
                refused("rpc_channel_info.name", "{\"rpc_channel_info\":{\"name\":\"other-replicate-msg\"}}",
                        CREATE + "the rpc channel is invalid, the channel name should be the same as the source config"),
                refused("extra_info.enable_user_role", "{\"extra_info\":{\"enable_user_role\":true}}",
                        CREATE + "extra_info.enable_user_role is not supported: users, roles and grants are not "
                                + "replicated; create the task with enable_user_role false"),
                refused("name_mapping[].source_db", "{\"name_mapping\":[{\"source_db\":\"default\",\"target_db\":\"x\",\"collection_mapping\":{\"c1\":\"c1\"}}]}",
                        CREATE + "name_mapping is not supported yet: the target would get the source's names; "
                                + "create the task without it"),
                refused("name_mapping[].target_db", "{\"name_mapping\":[{\"source_db\":\"default\",\"target_db\":\"x\",\"collection_mapping\":{\"c1\":\"c1\"}}]}",
                        CREATE + "name_mapping is not supported yet: the target would get the source's names; "
                                + "create the task without it"),
                refused("name_mapping[].collection_mapping", "{\"name_mapping\":[{\"source_db\":\"default\","
                        + "\"target_db\":\"default\",\"collection_mapping\":{\"c1\":\"c2\"}}]}",
                        CREATE + "name_mapping is not supported yet: the target would get the source's names; "
                                + "create the task without it"),
                refused("buffer_config.period", "{\"buffer_config\":{\"period\":10}}", CREATE + "buffer_config is not "
                        + "supported: changes are applied as they are read, without a buffer of this period or size; "
                        + "send period and size 0, or no buffer_config"),
                refused("buffer_config.size", "{\"buffer_config\":{\"size\":1024}}", CREATE + "buffer_config is not "
                        + "supported: changes are applied as they are read, without a buffer of this period or size; "
                        + "send period and size 0, or no buffer_config"),
                effect("disable_auto_start", "{\"disable_auto_start\":true}", c -> {
                    JsonNode restarted = c.restartAndGet();
                    assertThat(restarted.path("state").asText()).isEqualTo("Paused");
                    assertThat(restarted.path("reason").asText()).isEqualTo("the task is disabled auto start");
                }),
                effect("snapshot", "{\"snapshot\":\"initial\"}", c -> {
                    assertThat(c.runnerTask().spec().snapshotInitial()).isTrue();
                    assertThat(c.get().path("snapshot").asText()).isEqualTo("initial");
                    assertThat(c.get().path("snapshot_status").toString())
                            .isEqualTo("{\"phase\":\"copying\",\"collections\":[]}");
                }),
                effect("snapshot", "{\"snapshot\":\"never\"}", c -> {
                    assertThat(c.runnerTask().spec().snapshotInitial()).isFalse();
                    assertThat(c.get().path("snapshot").asText()).isEqualTo("never");
                    assertThat(c.get().has("snapshot_status")).isFalse();
                }),
                refused("snapshot", "{\"snapshot\":\"always\"}", CREATE + "the snapshot is invalid, it can be "
                        + "\"initial\" (copy the existing rows, then stream) or \"never\" (stream only, the default), "
                        + "snapshot: always"),
                refused("snapshot", "{\"snapshot\":\"initial\",\"collection_infos\":[{\"name\":\"c1\","
                        + "\"use_start_position\":true}]}", SNAPSHOT_WITH_POSITIONS),
                refused("snapshot", "{\"snapshot\":\"initial\",\"rpc_channel_info\":{\"position\":\"AAAA\"}}",
                        SNAPSHOT_WITH_POSITIONS),
                effect("write_mode", "{\"write_mode\":\"api\"}", c -> {
                    assertThat(c.runnerTask().spec().writeMode()).isEqualTo("api");
                    assertThat(c.get().path("write_mode").asText()).isEqualTo("api");
                }),
                effect("write_mode", "{\"write_mode\":\"replicate\"}", c -> {
                    assertThat(c.runnerTask().spec().replicateWrites()).isTrue();
                    assertThat(c.get().path("write_mode").asText()).isEqualTo("replicate");
                }),
                refused("write_mode", "{\"write_mode\":\"raw\"}", CREATE + "the write_mode is invalid, it can be "
                        + "\"api\" (the target's ordinary insert, upsert and delete, the default) or \"replicate\" (the "
                        + "source's messages through the target's ReplicateMessage, into a target with "
                        + "common.ttMsgEnabled=false), write_mode: raw"),
                refused("write_mode", "{\"write_mode\":\"replicate\",\"snapshot\":\"initial\"}", CREATE + "write_mode "
                        + "\"replicate\" cannot be combined with snapshot \"initial\": the copy writes rows through the "
                        + "ordinary API, which a target in replicate mode refuses; leave one of them out"),
                effect("task_id", "{\"task_id\":\"nightly-copy\"}", c -> {
                    assertThat(c.reply().data().path("task_id").asText()).isEqualTo("nightly-copy");
                    assertThat(c.runners().last("nightly-copy").task.taskId()).isEqualTo("nightly-copy");
                }));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void eachFieldTakesEffectOrIsRefused(Row row) throws Exception {
        try (Created created = Created.from(merge(JSON.readTree(BASE), JSON.readTree(row.patch())).toString())) {
            row.check().verify(created);
        }
    }

    @Test
    void theDefaultsReferenceScriptsSendAreAccepted() throws Exception {
        String reference = "{\"milvus_connect_param\":{\"uri\":\"http://127.0.0.1:19540\",\"token\":\"root:Milvus\","
                + "\"channel_num\":16,\"ignore_partition\":false,\"connect_timeout\":10},"
                + "\"kafka_connect_param\":{\"address\":\"\",\"topic\":\"\",\"enable_sasl\":false,\"sasl\":{}},"
                + "\"collection_infos\":[{\"name\":\"c1\",\"positions\":{},\"use_start_position\":false}],"
                + "\"rpc_channel_info\":{\"name\":\"by-dev-replicate-msg\"},\"extra_info\":{\"enable_user_role\":false},"
                + "\"buffer_config\":{\"period\":0,\"size\":0},\"name_mapping\":[],\"disable_auto_start\":false}";

        try (Created created = Created.from(reference)) {
            assertThat(created.reply().code()).as(created.reply().body()).isEqualTo(200);
            assertThat(created.runners().created()).hasSize(1);
        }
    }

    @Test
    void anInitialSnapshotIsRefusedWhenTheServerDoesNotKnowTheSourceMilvus() throws Exception {
        FakeRunners runners = new FakeRunners();
        try (CdcServer server = TestServers.start(TestServers.config(Map.of()), new InMemoryTaskStore(), runners)) {
            Reply reply = new CdcTestClient(server.port()).request("create",
                    merge(JSON.readTree(BASE), JSON.readTree("{\"snapshot\":\"initial\"}")).toString());

            assertThat(reply.code()).isEqualTo(400);
            assertThat(reply.message()).isEqualTo(CREATE + "snapshot \"initial\" reads the existing rows from the source "
                    + "Milvus, whose address this server does not know: set sourceConfig.milvus.uri (and .token) in its "
                    + "configuration");
            assertThat(runners.created()).isEmpty();
        }
    }

    @Test
    void everyFieldOfCreateHasARow() {
        Set<String> fields = new TreeSet<>();
        fieldsOf(TaskSpec.class, "", fields);
        rows().forEach(row -> fields.remove(row.field()));

        assertThat(fields).containsExactlyInAnyOrderElementsOf(FIELDS_OF_THE_ENGINE_REWRITE);
    }

    /** The JSON paths of a request model: {@code a.b} for objects, {@code a[].b} for list items, {@code a.<db>[].b} for map values. */
    private static void fieldsOf(Class<?> type, String prefix, Set<String> into) {
        for (RecordComponent component : type.getRecordComponents()) {
            String name = prefix + component.getAccessor().getAnnotation(JsonProperty.class).value();
            Type generic = component.getGenericType();
            if (component.getType().isRecord()) {
                fieldsOf(component.getType(), name + ".", into);
            } else if (generic instanceof ParameterizedType list && component.getType() == List.class
                    && list.getActualTypeArguments()[0] instanceof Class<?> item && item.isRecord()) {
                fieldsOf(item, name + "[].", into);
            } else if (generic instanceof ParameterizedType map && component.getType() == Map.class
                    && map.getActualTypeArguments()[1] instanceof ParameterizedType values
                    && values.getActualTypeArguments()[0] instanceof Class<?> item && item.isRecord()) {
                fieldsOf(item, name + ".<db>[].", into);
            } else {
                into.add(name);
            }
        }
    }

    /** {@code patch} merged into {@code base}: objects key by key, a null removing the key, anything else replacing. */
    private static JsonNode merge(JsonNode base, JsonNode patch) {
        ObjectNode merged = ((ObjectNode) base).deepCopy();
        for (Iterator<Map.Entry<String, JsonNode>> fields = patch.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode current = merged.get(field.getKey());
            if (field.getValue().isNull()) {
                merged.remove(field.getKey());
            } else if (current != null && current.isObject() && field.getValue().isObject()) {
                merged.set(field.getKey(), merge(current, field.getValue()));
            } else {
                merged.set(field.getKey(), field.getValue());
            }
        }
        return merged;
    }

    /** One {@code create} against a fresh server with fake runners and a target check that records what it was given. */
    record Created(Reply reply, FakeRunners runners, List<MilvusConnectParam> checked, InMemoryTaskStore store,
                   List<CdcServer> servers) implements AutoCloseable {

        static Created from(String request) {
            FakeRunners runners = new FakeRunners();
            List<MilvusConnectParam> checked = new ArrayList<>();
            InMemoryTaskStore store = new InMemoryTaskStore();
            List<CdcServer> servers = new ArrayList<>();
            servers.add(start(store, runners, checked));
            Reply reply = new CdcTestClient(servers.get(0).port()).request("create", request);
            return new Created(reply, runners, checked, store, servers);
        }

        private static CdcServer start(InMemoryTaskStore store, FakeRunners runners, List<MilvusConnectParam> checked) {
            return CdcServer.start(TestServers.config(SOURCE_MILVUS), new CdcServer.Outside(store, runners,
                    checked::add, () -> TestServers.SOURCE_UP));
        }

        MilvusConnectParam targetChecked() {
            assertThat(checked).hasSize(1);
            return checked.get(0);
        }

        TaskRecord runnerTask() {
            return runners.last(reply.data().path("task_id").asText()).task;
        }

        MilvusConnectParam runnerTarget() {
            return runnerTask().spec().milvusConnectParam();
        }

        List<CollectionPattern> runnerScope() {
            return TaskScope.of(runnerTask().spec());
        }

        /** The task as {@code get} shows it. */
        JsonNode get() {
            return new CdcTestClient(servers.get(0).port())
                    .request("get", "{\"task_id\":\"" + reply.data().path("task_id").asText() + "\"}").data().path("task");
        }

        /** Stops the server and starts another on the same store, then reads the task. */
        JsonNode restartAndGet() {
            servers.remove(0).close();
            servers.add(start(store, new FakeRunners(), new ArrayList<>()));
            return get();
        }

        @Override
        public void close() {
            servers.forEach(CdcServer::close);
        }
    }
}
