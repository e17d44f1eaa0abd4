package dev.milvuscdc.replication;

import static dev.milvuscdc.rig.MilvusPair.with;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.milvuscdc.config.KafkaConfig;
import dev.milvuscdc.config.Secret;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.rig.EtcdServer;
import dev.milvuscdc.rig.MilvusPair;
import dev.milvuscdc.rig.PulsarAdmin;
import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.source.log.KafkaSource;
import dev.milvuscdc.source.log.PulsarSource;
import dev.milvuscdc.source.log.SourceLog;
import dev.milvuscdc.source.log.SourceLogException;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.source.meta.SourceEtcd;
import dev.milvuscdc.source.meta.SourceMetadata;
import dev.milvuscdc.source.meta.SourceMetadataException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Credentials the source refuses pause a task with a reason that names what to fix, instead of
 * being retried while the task shows Running: on a Kafka rig a wrong SASL password and a user denied
 * read access on the rig's SASL listener, on a Pulsar rig a token the broker refuses and a role it
 * grants nothing, and on both a wrong password for an etcd with authentication on. A task with stored
 * positions meets them in the background and pauses; a new task meets them in {@code start()}, which
 * fails with the same reason. The right credentials, with no more than the access they need, replicate.
 */
class SourceCredentialsIT {

    private static final Logger log = LoggerFactory.getLogger(SourceCredentialsIT.class);

    // The broker's users, from rig/kafka/server.properties.template (test credentials); the rig's Pulsar
    // names its token without grants after the same user.
    private static final String KAFKA_USER = "cdc";
    private static final String KAFKA_PASSWORD = "cdc-secret";
    private static final String LIMITED_USER = "limited";
    private static final String LIMITED_PASSWORD = "limited-secret";
    private static final String ETCD_USER = "root";
    private static final String ETCD_PASSWORD = "etcd-secret";
    private static final String WRONG_PASSWORD = "wrong-password";
    private static final String[] PASSWORDS = {KAFKA_PASSWORD, LIMITED_PASSWORD, ETCD_PASSWORD, WRONG_PASSWORD};
    private static final Duration PAUSED_WITHIN = Duration.ofSeconds(60);
    private static final Duration START_WITHIN = Duration.ofSeconds(30);
    private static final Duration CATCH_UP = Duration.ofSeconds(120);

    private static final MilvusPair milvus = new MilvusPair();
    private final List<EngineTask> tasks = new ArrayList<>();
    /** What no failure may show. */
    private final List<String> secrets = new ArrayList<>(List.of(PASSWORDS));

    @TempDir
    Path dir;
    private EtcdServer etcd;

    @AfterAll
    static void closeDrivers() {
        milvus.close();
    }

    @AfterEach
    void stopTasksThenEtcd() throws InterruptedException {
        tasks.forEach(EngineTask::close);
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void theRightSaslCredentialsReplicateRows() {
        assumeKafka();
        assertReplicatesRows("sasl_ok_", kafka(KAFKA_USER, KAFKA_PASSWORD));
    }

    @Test
    void aWrongSaslPasswordPausesTheTaskNamingTheKafkaCredentials() {
        assumeKafka();
        String name = sourceCollection("sasl_bad_");
        ReplicationSettings settings = RigReplication.settings(RigReplication.sourceEtcd(), kafka(KAFKA_USER, WRONG_PASSWORD));

        assertStartFails(settings, name, SourceLogException.class, "refused the credentials",
                "check sourceConfig.kafka.saslUsername, saslPassword, saslMechanisms and securityProtocol");
        assertPausesInTheBackground(settings, name, "refused the credentials",
                "check sourceConfig.kafka.saslUsername, saslPassword, saslMechanisms and securityProtocol");
    }

    @Test
    void aUserDeniedReadAccessPausesTheTaskSayingSo() throws Exception {
        assumeKafka();
        String name = sourceCollection("sasl_denied_");
        ReplicationSettings settings = RigReplication.settings(RigReplication.sourceEtcd(), kafka(LIMITED_USER, LIMITED_PASSWORD));
        List<AclBinding> denials = channelsOf(name).stream()
                .map(channel -> new AclBinding(new ResourcePattern(ResourceType.TOPIC, channel, PatternType.LITERAL),
                        new AccessControlEntry("User:" + LIMITED_USER, "*", AclOperation.READ, AclPermissionType.DENY)))
                .toList();

        try (Admin admin = admin()) {
            admin.createAcls(denials).all().get();
            try {
                assertStartFails(settings, name, SourceLogException.class, "denied access",
                        "grant the CDC's Kafka user read access to the source's topics");
                assertPausesInTheBackground(settings, name, "denied access",
                        "grant the CDC's Kafka user read access to the source's topics");
            } finally {
                admin.deleteAcls(denials.stream().map(AclBinding::toFilter).toList()).all().get();
            }
        }
    }

    /** The right token is every Pulsar test's: the rig's cdc.yaml and RigReplication read with it. */
    @Test
    void aTokenThePulsarBrokerRefusesPausesTheTaskNamingThePulsarCredentials() {
        assumeTrue(Rig.get().pulsarSource(), "the rig's source is on Kafka");
        String name = sourceCollection("token_bad_");
        String forged = Rig.get().forgedPulsarToken();
        secrets.addAll(List.of(Rig.get().pulsarToken(), forged));
        ReplicationSettings settings = RigReplication.settings(RigReplication.sourceEtcd(),
                new PulsarSource(Rig.get().pulsarConfig(forged), RigReplication.replicateChannel()));

        assertStartFails(settings, name, SourceLogException.class, "refused the credentials",
                "check sourceConfig.pulsar.authPlugin and authParams");
        assertPausesInTheBackground(settings, name, "refused the credentials",
                "check sourceConfig.pulsar.authPlugin and authParams");
    }

    /** Without a grant, the broker denies the role both the reader and the web service's topic stats. */
    @Test
    void aPulsarRoleWithoutAGrantPausesTheTaskSayingWhatToGrant() {
        assumeTrue(Rig.get().pulsarSource(), "the rig's source is on Kafka");
        String name = sourceCollection("role_denied_");
        String limited = Rig.get().pulsarLimitedToken();
        secrets.add(limited);
        ReplicationSettings settings = RigReplication.settings(RigReplication.sourceEtcd(),
                new PulsarSource(Rig.get().pulsarConfig(limited), RigReplication.replicateChannel()));

        assertStartFails(settings, name, SourceLogException.class, "denied access", "grant the CDC's role consume");
        assertPausesInTheBackground(settings, name, "denied access", "grant the CDC's role consume");
    }

    /** {@code consume} on the namespace is all the CDC's role needs: the reader, the lookups and the topic stats. */
    @Test
    void aPulsarRoleGrantedConsumeOnTheNamespaceReplicatesRows() throws Exception {
        assumeTrue(Rig.get().pulsarSource(), "the rig's source is on Kafka");
        PulsarAdmin pulsar = new PulsarAdmin(Rig.get());
        pulsar.grant(LIMITED_USER, "consume");
        try {
            assertReplicatesRows("role_consume_",
                    new PulsarSource(Rig.get().pulsarConfig(Rig.get().pulsarLimitedToken()), RigReplication.replicateChannel()));
        } finally {
            pulsar.revoke(LIMITED_USER);
        }
    }

    @Test
    void aWrongEtcdPasswordPausesTheTaskNamingTheEtcdCredentials() throws Exception {
        String name = sourceCollection("etcd_bad_");
        ReplicationSettings settings = RigReplication.settings(etcdWithAuthentication(WRONG_PASSWORD), rigSourceLog());

        assertStartFails(settings, name, SourceMetadataException.class, "the source etcd refused the credentials",
                "check sourceConfig.etcd.username and password");
        assertPausesInTheBackground(settings, name, "the source etcd refused the credentials",
                "check sourceConfig.etcd.username and password");
    }

    /**
     * The private etcd holds no metadata: what shows that the task got past its credentials is that it
     * reads its channels on from the stored positions, which it does only after listing etcd.
     */
    @Test
    void theRightEtcdPasswordDoesNotPauseTheTask() throws Exception {
        String name = sourceCollection("etcd_ok_");
        ReplicationSettings settings = RigReplication.settings(etcdWithAuthentication(ETCD_PASSWORD), rigSourceLog());

        EngineTask created = newTask(settings, name);
        created.startAgain();
        Map<String, ChannelPosition> stored = endPositions(name);
        EngineTask restarted = taskWithStoredPositions(settings, name, stored);
        restarted.startAgain();

        String dmlChannel = channelsOf(name).get(0);
        await().atMost(PAUSED_WITHIN).untilAsserted(() ->
                assertThat(restarted.positions().get(dmlChannel)).isNotEqualTo(stored.get(dmlChannel)));
        for (EngineTask task : List.of(created, restarted)) {
            assertThat(task.listener.failed).isEmpty();
            assertThat(task.listener.retrying).isEmpty();
        }
    }

    /** A task reading {@code sourceLog} replicates a new collection's rows, index and load without a failure or a retry. */
    private void assertReplicatesRows(String prefix, SourceLog sourceLog) {
        String name = prefix + unique();
        Map<String, Object> coll = Map.of("name", name, "schema", "basic");
        milvus.source.run("create_collection", coll);
        EngineTask task = newTask(RigReplication.settings(RigReplication.sourceEtcd(), sourceLog), name);
        task.startAgain();
        milvus.source.run("insert", with(coll, "start", 1, "count", 100, "batch", 50));
        milvus.source.run("create_index", coll);
        milvus.source.run("load", coll);

        milvus.awaitTargetEqualsSource(coll, CATCH_UP);
        assertThat(task.listener.failed).isEmpty();
        assertThat(task.listener.retrying).isEmpty();
    }

    /** A new task's start lists etcd and asks Kafka where the channels end: it must fail at once, with the reason. */
    private void assertStartFails(ReplicationSettings settings, String collection, Class<? extends RuntimeException> type,
            String... reason) {
        EngineTask task = newTask(settings, collection);
        Instant started = Instant.now();
        assertThatThrownBy(task::startAgain).isInstanceOf(type).message().contains(reason).doesNotContain(secrets);
        Duration took = Duration.between(started, Instant.now());
        log.info("a new task's start failed after {} ms", took.toMillis());
        assertThat(took).isLessThan(START_WITHIN);
    }

    /** A task with stored positions starts at once and meets the credentials in the background: it pauses. */
    private void assertPausesInTheBackground(ReplicationSettings settings, String collection, String... reason) {
        EngineTask task = taskWithStoredPositions(settings, collection, endPositions(collection));
        RecordingListener listener = task.listener;
        Instant started = Instant.now();
        task.startAgain();
        assertThat(Duration.between(started, Instant.now())).isLessThan(START_WITHIN);
        await().atMost(PAUSED_WITHIN).until(() -> !listener.failed.isEmpty() || !listener.retrying.isEmpty());
        log.info("the task reported after {} ms: failed {}, retrying {}", Duration.between(started, Instant.now()).toMillis(),
                listener.failed, listener.retrying);
        assertThat(listener.retrying).as("a refused credential is not retried").isEmpty();
        // Each of the task's threads that meets the refusal reports it; the task manager acts on the first.
        assertThat(listener.failed).isNotEmpty()
                .allSatisfy(failure -> assertThat(failure).contains(reason).doesNotContain(secrets));
    }

    private EngineTask newTask(ReplicationSettings settings, String collection) {
        EngineTask task = EngineTask.create(settings, "default", collection);
        tasks.add(task);
        return task;
    }

    private EngineTask taskWithStoredPositions(ReplicationSettings settings, String collection,
            Map<String, ChannelPosition> positions) {
        EngineTask task = newTask(settings, collection);
        task.store.savePositions(task.taskId, positions.values());
        return task;
    }

    /** A new collection on the source Milvus, so that its channels exist and tick. */
    private static String sourceCollection(String prefix) {
        String name = prefix + unique();
        milvus.source.run("create_collection", Map.of("name", name, "schema", "basic"));
        return name;
    }

    /** The collection's channels and the replicate channel, as the source's etcd lists them. */
    private static List<String> channelsOf(String collection) {
        Set<String> channels = new LinkedHashSet<>();
        try (SourceMetadata metadata = SourceMetadata.list(RigReplication.sourceEtcd(), Duration.ofSeconds(10))) {
            CollectionMeta meta = metadata.collections().stream().filter(c -> c.name().equals(collection))
                    .findFirst().orElseThrow(() -> new AssertionError("the source's etcd does not list " + collection));
            channels.addAll(meta.physicalChannels());
        }
        channels.add(RigReplication.replicateChannel());
        return List.copyOf(channels);
    }

    /** Where the collection's channels end now, read as every other test reads the rig's source log. */
    private static Map<String, ChannelPosition> endPositions(String collection) {
        try {
            return rigSourceLog().endPositions(channelsOf(collection), Duration.ofSeconds(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The SASL listener, with the client properties the server builds from sourceConfig.kafka. */
    private static SourceLog kafka(String user, String password) {
        String bootstrap = Rig.get().kafkaSaslBootstrap();
        KafkaConfig config = new KafkaConfig(bootstrap, Map.of(), user, new Secret(password), "PLAIN",
                "SASL_PLAINTEXT");
        return new KafkaSource(bootstrap, config.clientProperties(), RigReplication.replicateChannel());
    }

    /** The rig's source log as every other test reads it (Kafka's plain listener, or Pulsar with the rig's token). */
    private static SourceLog rigSourceLog() {
        return RigReplication.settings().log();
    }

    /** A private etcd with authentication on, holding no metadata, and the source etcd settings that log in with {@code password}. */
    private SourceEtcd etcdWithAuthentication(String password) throws Exception {
        etcd = new EtcdServer(dir.resolve("etcd"));
        etcd.start();
        etcd.enableAuth(ETCD_USER, ETCD_PASSWORD);
        return new SourceEtcd(List.of(etcd.endpoint()), ETCD_USER, password, "by-dev", "meta");
    }

    /** An admin on the plain listener, whose principal (ANONYMOUS) the rig's broker makes a super user. */
    private static Admin admin() {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, Rig.get().kafkaBootstrap());
        return Admin.create(properties);
    }

    private static void assumeKafka() {
        assumeFalse(Rig.get().pulsarSource(), "the rig's source is on Pulsar");
    }

    private static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
