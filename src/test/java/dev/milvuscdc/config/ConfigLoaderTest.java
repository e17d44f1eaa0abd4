package dev.milvuscdc.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path yaml(String text) throws IOException {
        Path file = dir.resolve("cdc.yaml");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void everyKeyHasADefault() {
        ConfigLoader.Loaded loaded = ConfigLoader.load(null, Map.of());
        CdcConfig config = loaded.config();

        assertThat(config.server().address()).isEqualTo(new ListenAddress("0.0.0.0", 8444));
        assertThat(config.server().maxTaskNum()).isEqualTo(100);
        assertThat(config.server().maxNameLength()).isEqualTo(256);
        assertThat(config.server().dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.metaStore().storeType()).isEqualTo(StoreType.EMBEDDED);
        assertThat(config.metaStore().rootPath()).isEqualTo("cdc-by-dev");
        assertThat(config.source().etcd().address()).containsExactly("http://127.0.0.1:2379");
        assertThat(config.source().etcdRootPath()).isEqualTo("by-dev");
        assertThat(config.source().etcdMetaSubPath()).isEqualTo("meta");
        assertThat(config.source().kafka().address()).isEqualTo("127.0.0.1:9092");
        assertThat(config.source().replicateChan()).isEqualTo("by-dev-replicate-msg");
        assertThat(config.replication().initBackOff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.replication().maxBackOff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(loaded.unknownKeys()).isEmpty();
        assertThat(loaded.keysWithoutEffect()).isEmpty();
        assertThat(loaded.aliasesUsed()).isEmpty();
    }

    @Test
    void referenceKeysAreReadCaseInsensitively() throws IOException {
        Path file = yaml("""
                Address: 127.0.0.1:9000
                maxtasknum: 7
                metaStoreConfig:
                  storeType: etcd
                  ROOTPATH: tenant-a
                  etcd:
                    address: [http://10.0.0.1:2379, http://10.0.0.2:2379]
                sourceConfig:
                  etcd:
                    address: [http://src:2379]
                    rootPath: prod
                  kafka:
                    address: broker:9092
                    consumer:
                      client.id: cdc
                  replicateChan: prod-replicate-msg
                """);

        CdcConfig config = ConfigLoader.load(file, Map.of()).config();

        assertThat(config.server().address()).isEqualTo(new ListenAddress("127.0.0.1", 9000));
        assertThat(config.server().maxTaskNum()).isEqualTo(7);
        assertThat(config.metaStore().storeType()).isEqualTo(StoreType.ETCD);
        assertThat(config.metaStore().rootPath()).isEqualTo("tenant-a");
        assertThat(config.metaStore().etcd().address()).containsExactly("http://10.0.0.1:2379", "http://10.0.0.2:2379");
        assertThat(config.source().etcdRootPath()).isEqualTo("prod");
        assertThat(config.source().kafka().address()).isEqualTo("broker:9092");
        assertThat(config.source().kafka().consumer()).containsEntry("client.id", "cdc");
        assertThat(config.source().replicateChan()).isEqualTo("prod-replicate-msg");
    }

    @Test
    void unknownKeysAreReportedNotFatal() throws IOException {
        Path file = yaml("""
                maxTaskNum: 5
                replicateID: r1
                sourceConfig:
                  kafka:
                    adress: typo:9092
                """);

        ConfigLoader.Loaded loaded = ConfigLoader.load(file, Map.of());

        assertThat(loaded.unknownKeys()).containsExactly("replicateid", "sourceconfig.kafka.adress");
        assertThat(loaded.config().server().maxTaskNum()).isEqualTo(5);
    }

    @Test
    void environmentVariablesThatNameNoKeyAreReported() {
        ConfigLoader.Loaded loaded = ConfigLoader.load(null, Map.of("CDC_MAXTASKNUMS", "3", "CDC_ADDRESS", "127.0.0.1:1",
                "PATH", "/bin"));

        assertThat(loaded.unknownKeys()).containsExactly("CDC_MAXTASKNUMS");
    }

    @Test
    void environmentVariablesOverrideTheFile() throws IOException {
        Path file = yaml("sourceConfig:\n  kafka:\n    address: from-file:9092\n");

        CdcConfig config = ConfigLoader.load(file, Map.of(
                "CDC_SOURCECONFIG_KAFKA_ADDRESS", "from-env:9092",
                "CDC_MAXTASKNUM", "3",
                "CDC_SOURCECONFIG_ETCD_ADDRESS", "http://e1:2379,http://e2:2379")).config();

        assertThat(config.source().kafka().address()).isEqualTo("from-env:9092");
        assertThat(config.server().maxTaskNum()).isEqualTo(3);
        assertThat(config.source().etcd().address()).containsExactly("http://e1:2379", "http://e2:2379");
    }

    @Test
    void aGoDsnBecomesAJdbcUrl() {
        CdcConfig config = ConfigLoader.load(null, Map.of(
                "CDC_METASTORECONFIG_STORETYPE", "mysql",
                "CDC_METASTORECONFIG_MYSQLSOURCEURL", "cdc:p@ss@tcp(db.local:3307)/milvuscdc?charset=utf8")).config();

        JdbcSource mysql = config.metaStore().mysql();
        assertThat(mysql.url()).isEqualTo("jdbc:mariadb://db.local:3307/milvuscdc");
        assertThat(mysql.user()).isEqualTo("cdc");
        assertThat(mysql.password().value()).isEqualTo("p@ss");
    }

    @Test
    void aJdbcUrlIsUsedAsIs() {
        String url = "jdbc:mariadb://127.0.0.1:3306/cdc?user=root";
        JdbcSource mysql = ConfigLoader.load(null, Map.of(
                "CDC_METASTORECONFIG_STORETYPE", "MySQL",
                "CDC_METASTORECONFIG_MYSQLSOURCEURL", url)).config().metaStore().mysql();

        assertThat(mysql.url()).isEqualTo(url);
    }

    @Test
    void secretsAreMaskedWhenPrinted() {
        CdcConfig config = ConfigLoader.load(null, Map.of(
                "CDC_METASTORECONFIG_STORETYPE", "mysql",
                "CDC_METASTORECONFIG_MYSQLSOURCEURL", "cdc:topsecret1@tcp(db:3306)/cdc",
                "CDC_SOURCECONFIG_ETCD_PASSWORD", "topsecret2",
                "CDC_SOURCECONFIG_KAFKA_SASLPASSWORD", "topsecret3")).config();

        assertThat(config.toString()).doesNotContain("topsecret").contains("******");
    }

    @Test
    void kafkaClientPropertiesWithCredentialsAreMaskedWhenPrinted() throws IOException {
        Path file = yaml("sourceConfig:\n  kafka:\n    consumer:\n      sasl.jaas.config: 'x password=\"topsecret\";'\n"
                + "      client.id: cdc\n");

        CdcConfig config = ConfigLoader.load(file, Map.of()).config();

        assertThat(config.source().kafka().consumer()).containsEntry("sasl.jaas.config", "x password=\"topsecret\";");
        assertThat(config.toString()).doesNotContain("topsecret").contains("sasl.jaas.config=******").contains("client.id=cdc");
    }

    @Test
    void kafkaClientPropertiesCarryTheConsumerExtrasAndTheSaslLogin() throws IOException {
        Path file = yaml("sourceConfig:\n  kafka:\n    consumer:\n      client.id: cdc\n    securityProtocol: SASL_SSL\n"
                + "    saslMechanisms: SCRAM-SHA-512\n    saslUsername: u\n    saslPassword: p\n");

        Map<String, String> properties = ConfigLoader.load(file, Map.of()).config().source().kafka().clientProperties();

        assertThat(properties).containsEntry("client.id", "cdc").containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
                .containsEntry("sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"u\" password=\"p\";");
    }

    @Test
    void aJdbcUrlWithCredentialsIsMaskedWhenPrinted() {
        CdcConfig config = ConfigLoader.load(null, Map.of(
                "CDC_METASTORECONFIG_STORETYPE", "mysql",
                "CDC_METASTORECONFIG_MYSQLSOURCEURL", "jdbc:mariadb://db:3306/cdc?user=cdc&password=topsecret")).config();

        assertThat(config.toString()).doesNotContain("topsecret").contains("jdbc:mariadb://db:3306/cdc?******");
    }

    @Test
    void invalidValuesAreOneLineErrorsNamingTheKey() throws IOException {
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_METASTORECONFIG_STORETYPE", "redis")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("metaStoreConfig.storeType: 'redis' is not one of embedded, mysql, etcd");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_ADDRESS", "localhost")))
                .hasMessage("address: 'localhost' is not host:port (example: 0.0.0.0:8444)");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_ADDRESS", "0.0.0.0:99999")))
                .hasMessage("address: '0.0.0.0:99999' has no valid port (0-65535; example: 0.0.0.0:8444)");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("maxTaskNum: many\n"), Map.of()))
                .hasMessage("maxTaskNum: 'many' is not an integer");
        assertThatThrownBy(() -> ConfigLoader.load(yaml("a: [\n"), Map.of()))
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("missing.yaml"), Map.of()))
                .hasMessageEndingWith("missing.yaml: no such file");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_METASTORECONFIG_STORETYPE", "mysql")))
                .hasMessage("metaStoreConfig.mysqlSourceUrl: required when storeType is mysql");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_LOGLEVEL", "chatty")))
                .hasMessageStartingWith("logLevel: 'chatty' is not one of");
    }

    @Test
    void referenceOneXKeysAreReadUnderTheirCurrentNamesAndReported() throws IOException {
        Path file = yaml("""
                metaStoreConfig:
                  etcdEndpoints: [localhost:2379]
                sourceConfig:
                  etcdAddress: [src-etcd:2379]
                  etcdRootPath: prod
                  etcdMetaSubPath: m
                """);

        ConfigLoader.Loaded loaded = ConfigLoader.load(file, Map.of());

        assertThat(loaded.config().metaStore().etcd().address()).containsExactly("http://localhost:2379");
        assertThat(loaded.config().source().etcd().address()).containsExactly("http://src-etcd:2379");
        assertThat(loaded.config().source().etcdRootPath()).isEqualTo("prod");
        assertThat(loaded.config().source().etcdMetaSubPath()).isEqualTo("m");
        assertThat(loaded.aliasesUsed()).containsExactly("sourceConfig.etcdAddress as sourceConfig.etcd.address",
                "sourceConfig.etcdRootPath as sourceConfig.etcd.rootPath",
                "sourceConfig.etcdMetaSubPath as sourceConfig.etcd.metaSubPath",
                "metaStoreConfig.etcdEndpoints as metaStoreConfig.etcd.address");
        assertThat(loaded.unknownKeys()).isEmpty();
    }

    @Test
    void anAliasInTheEnvironmentIsReadToo() {
        ConfigLoader.Loaded loaded = ConfigLoader.load(null, Map.of("CDC_SOURCECONFIG_ETCDROOTPATH", "env-root"));

        assertThat(loaded.config().source().etcdRootPath()).isEqualTo("env-root");
        assertThat(loaded.unknownKeys()).isEmpty();
    }

    @Test
    void anAliasAndItsCurrentKeyWithDifferentValuesAreRefused() throws IOException {
        Path file = yaml("sourceConfig:\n  etcdRootPath: a\n  etcd:\n    rootPath: b\n");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of()))
                .hasMessage("sourceConfig.etcdRootPath (the reference 1.x name of sourceConfig.etcd.rootPath) and "
                        + "sourceConfig.etcd.rootPath are both set, to different values: keep only sourceConfig.etcd.rootPath");
    }

    @Test
    void keysWithoutEffectAreReportedOnceWithTheirReasonAndNotAsUnknown() throws IOException {
        Path file = yaml("""
                packer:
                  timerInterval: 1000
                  maxCount: 3
                retry:
                  retryTimes: 5
                batchMode: false
                sourceConfig:
                  readChanLen: 8
                  pulsar:
                    maxMessageSize: 1048576
                """);

        ConfigLoader.Loaded loaded = ConfigLoader.load(file, Map.of("CDC_SOURCECONFIG_TIMETICKINTERVAL", "200"));

        assertThat(loaded.keysWithoutEffect()).containsExactly(
                "packer.* (positions are written at most once a second, after the target acknowledged them)",
                "retry.retryTimes (a retriable fault is retried for as long as it lasts)",
                "sourceConfig.readChanLen (the engine sizes its own buffers)",
                "sourceConfig.timeTickInterval (the target is written through its ordinary API and gets no time ticks)",
                "batchMode (the source log is always read as fast as the target takes it)",
                "sourceConfig.pulsar.maxMessageSize (a reader takes the messages the broker holds, whatever their size)");
        assertThat(loaded.unknownKeys()).isEmpty();
    }

    @Test
    void retryTimesChangesNeitherBackOff() throws IOException {
        Path file = yaml("retry:\n  retryTimes: 0\n  initBackOff: 2\n  maxBackOff: 30\n");

        ReplicationConfig retry = ConfigLoader.load(file, Map.of()).config().replication();

        assertThat(retry.initBackOff()).isEqualTo(Duration.ofSeconds(2));
        assertThat(retry.maxBackOff()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void etcdCredentialsAreSentOnlyWithEnableAuth() throws IOException {
        Path file = yaml("""
                sourceConfig:
                  etcd:
                    enableAuth: false
                    username: root
                    password: root123456
                metaStoreConfig:
                  etcd:
                    enableAuth: true
                    username: cdc
                    password: cdc-secret
                """);

        CdcConfig config = ConfigLoader.load(file, Map.of()).config();

        assertThat(config.source().etcd().loginUsername()).isEmpty();
        assertThat(config.source().etcd().loginPassword()).isEmpty();
        assertThat(config.metaStore().etcd().loginUsername()).isEqualTo("cdc");
        assertThat(config.metaStore().etcd().loginPassword()).isEqualTo("cdc-secret");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_SOURCECONFIG_ETCD_ENABLEAUTH", "true")))
                .hasMessage("sourceConfig.etcd.username: required when sourceConfig.etcd.enableAuth is true");
    }

    @Test
    void etcdTlsFilesAreCheckedOnlyWhenTlsIsEnabled() throws IOException {
        Path file = yaml("""
                sourceConfig:
                  etcd:
                    address: [etcd:2379]
                    enableTLS: false
                    tlsCertPath: deployment/cert/client.pem
                    tlsKeyPath: deployment/cert/client.key
                    tlsCACertPath: deployment/cert/ca.pem
                """);
        assertThat(ConfigLoader.load(file, Map.of()).config().source().etcd().address()).containsExactly("http://etcd:2379");

        assertThatThrownBy(() -> ConfigLoader.load(file, Map.of("CDC_SOURCECONFIG_ETCD_ENABLETLS", "true")))
                .hasMessage("sourceConfig.etcd.tlsCACertPath: 'deployment/cert/ca.pem' is not a readable file");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_SOURCECONFIG_ETCD_ENABLETLS", "true",
                "CDC_SOURCECONFIG_ETCD_TLSCERTPATH", "c.pem")))
                .hasMessage("sourceConfig.etcd.tlsCertPath and sourceConfig.etcd.tlsKeyPath: give both (client "
                        + "certificate authentication) or neither");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_METASTORECONFIG_ETCD_TLSMINVERSION", "1.4")))
                .hasMessage("metaStoreConfig.etcd.tlsMinVersion: '1.4' is not one of [1.0, 1.1, 1.2, 1.3]");
    }

    @Test
    void aTlsFileThatIsNotPemIsRefusedNamingTheKeys() throws IOException {
        Path notPem = dir.resolve("ca.pem");
        Files.writeString(notPem, "not a certificate");

        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_SOURCECONFIG_ETCD_ENABLETLS", "true",
                "CDC_SOURCECONFIG_ETCD_TLSCACERTPATH", notPem.toString())))
                .hasMessageStartingWith("sourceConfig.etcd.tlsCACertPath, .tlsCertPath, .tlsKeyPath: cannot be used for TLS (");
    }

    @Test
    void tlsProtocolsStartAtTheMinimumVersion() {
        EtcdTls tls = new EtcdTls(true, "", "", "ca.pem", "1.2");

        assertThat(tls.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
        assertThat(EtcdTls.OFF.protocols()).containsExactly("TLSv1.3");
    }

    @Test
    void theSampleConfigLoadsWithoutUnknownKeys() {
        ConfigLoader.Loaded loaded = ConfigLoader.load(Path.of("configs/cdc.yaml"), Map.of());

        assertThat(loaded.unknownKeys()).isEqualTo(List.of());
    }

    @Test
    void aPulsarAddressSelectsPulsarWithItsWebServiceAndRefusesWhatCannotWork() {
        PulsarConfig reference = ConfigLoader.load(null, Map.of("CDC_SOURCECONFIG_PULSAR_ADDRESS", "pulsar://broker:6650",
                "CDC_SOURCECONFIG_PULSAR_WEBADDRESS", "localhost:80")).config().source().pulsar();
        PulsarConfig derived = ConfigLoader.load(null, Map.of("CDC_SOURCECONFIG_PULSAR_ADDRESS", "pulsar://broker:6650",
                "CDC_SOURCECONFIG_PULSAR_WEBPORT", "8080")).config().source().pulsar();

        assertThat(reference.isConfigured()).isTrue();
        assertThat(reference.webUrl()).isEqualTo("http://localhost:80");
        assertThat(derived.webUrl()).as("the broker's host and webPort").isEqualTo("http://broker:8080");
        assertThat(ConfigLoader.load(null, Map.of()).config().source().pulsar().isConfigured()).isFalse();
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_SOURCECONFIG_PULSAR_ADDRESS", "broker:6650")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("pulsar://host:6650");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_SOURCECONFIG_PULSAR_ADDRESS", "pulsar://b:6650",
                "CDC_SOURCECONFIG_PULSAR_AUTHPLUGIN", "org.apache.pulsar.client.impl.auth.AuthenticationToken")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("authPlugin and authParams go together");
        assertThatThrownBy(() -> ConfigLoader.load(null, Map.of("CDC_SOURCECONFIG_PULSAR_ADDRESS", "pulsar://b:6650",
                "CDC_SOURCECONFIG_PULSAR_WEBADDRESS", "http://")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("sourceConfig.pulsar.webAddress");
    }
}
