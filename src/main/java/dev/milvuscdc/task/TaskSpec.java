package dev.milvuscdc.task;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What an operator asked for in {@code create}: the target, the scope and the options. Field names
 * are the reference server's snake_case keys, so stored tasks and API answers read the same.
 * Holds secrets; {@link #redacted()} is the form that may leave the process.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskSpec(
        @JsonProperty("milvus_connect_param") MilvusConnectParam milvusConnectParam,
        @JsonProperty("kafka_connect_param") KafkaConnectParam kafkaConnectParam,
        @JsonProperty("collection_infos") List<CollectionInfo> collectionInfos,
        @JsonProperty("db_collections") Map<String, List<CollectionInfo>> dbCollections,
        @JsonProperty("rpc_channel_info") RpcChannelInfo rpcChannelInfo,
        @JsonProperty("extra_info") ExtraInfo extraInfo,
        @JsonProperty("name_mapping") List<NameMapping> nameMapping,
        @JsonProperty("buffer_config") BufferConfig bufferConfig,
        @JsonProperty("disable_auto_start") boolean disableAutoStart,
        @JsonProperty("task_id") String taskId,
        @JsonProperty("snapshot") String snapshot,
        @JsonProperty("write_mode") String writeMode) {

    /** {@code snapshot}: copy what the source holds first, then stream. */
    public static final String SNAPSHOT_INITIAL = "initial";
    /** {@code snapshot}, the default: stream from the task's creation on. */
    public static final String SNAPSHOT_NEVER = "never";
    /** {@code write_mode}, the default: rows go through the target's ordinary insert, upsert and delete. */
    public static final String WRITE_MODE_API = "api";
    /**
     * {@code write_mode}: the source's own messages go through the target's {@code ReplicateMessage},
     * with time ticks, into a target running with {@code common.ttMsgEnabled=false} (docs/replicate-mode.md).
     */
    public static final String WRITE_MODE_REPLICATE = "replicate";

    /** A task without the {@code snapshot} and {@code write_mode} fields (the defaults). */
    public TaskSpec(MilvusConnectParam milvusConnectParam, KafkaConnectParam kafkaConnectParam,
                    List<CollectionInfo> collectionInfos, Map<String, List<CollectionInfo>> dbCollections,
                    RpcChannelInfo rpcChannelInfo, ExtraInfo extraInfo, List<NameMapping> nameMapping,
                    BufferConfig bufferConfig, boolean disableAutoStart, String taskId) {
        this(milvusConnectParam, kafkaConnectParam, collectionInfos, dbCollections, rpcChannelInfo, extraInfo, nameMapping,
                bufferConfig, disableAutoStart, taskId, null, null);
    }

    /** Whether the task copies what the source holds before it streams. */
    public boolean snapshotInitial() {
        return SNAPSHOT_INITIAL.equals(snapshot);
    }

    /** Whether the task writes through the target's {@code ReplicateMessage} ({@link #WRITE_MODE_REPLICATE}). */
    public boolean replicateWrites() {
        return WRITE_MODE_REPLICATE.equals(writeMode);
    }

    /** A copy with this task id. */
    public TaskSpec withTaskId(String id) {
        return new TaskSpec(milvusConnectParam, kafkaConnectParam, collectionInfos, dbCollections, rpcChannelInfo,
                extraInfo, nameMapping, bufferConfig, disableAutoStart, id, snapshot, writeMode);
    }

    /** A copy with this target. */
    public TaskSpec withMilvusConnectParam(MilvusConnectParam param) {
        return new TaskSpec(param, kafkaConnectParam, collectionInfos, dbCollections, rpcChannelInfo,
                extraInfo, nameMapping, bufferConfig, disableAutoStart, taskId, snapshot, writeMode);
    }

    /** A copy without token, password and key material, for answers and logs. */
    public TaskSpec redacted() {
        return new TaskSpec(
                milvusConnectParam == null ? null : milvusConnectParam.redacted(),
                kafkaConnectParam == null ? null : kafkaConnectParam.redacted(),
                collectionInfos, dbCollections, rpcChannelInfo, extraInfo, nameMapping, bufferConfig,
                disableAutoStart, taskId, snapshot, writeMode);
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record MilvusConnectParam(
            @JsonProperty("uri") String uri,
            @JsonProperty("token") String token,
            @JsonProperty("host") String host,
            @JsonProperty("port") int port,
            @JsonProperty("username") String username,
            @JsonProperty("password") String password,
            @JsonProperty("enable_tls") boolean enableTls,
            @JsonProperty("dial_config") DialConfig dialConfig,
            @JsonProperty("channel_num") int channelNum,
            @JsonProperty("ignore_partition") boolean ignorePartition,
            @JsonProperty("connect_timeout") int connectTimeout) {

        /** {@code user:password@} between a URI's scheme and its host. */
        private static final Pattern URI_USER_INFO = Pattern.compile("^((?:[A-Za-z][A-Za-z0-9+.-]*://)?)([^/?#]*)@");

        public MilvusConnectParam redacted() {
            return new MilvusConnectParam(uriWithoutCredentials(), null, host, port, null, null, enableTls, dialConfig,
                    channelNum, ignorePartition, connectTimeout);
        }

        /** True when the uri carries credentials, as in {@code http://user:password@host:19530}. */
        public boolean uriHasCredentials() {
            return uri != null && URI_USER_INFO.matcher(uri).find();
        }

        /**
         * A copy whose uri has no credentials and whose token holds them, decoded, as Milvus's own
         * clients read such a URI; unchanged when the uri has none.
         */
        public MilvusConnectParam withUriCredentialsAsToken() {
            if (!uriHasCredentials()) {
                return this;
            }
            Matcher m = URI_USER_INFO.matcher(uri);
            m.find();
            String credentials;
            try {
                credentials = URLDecoder.decode(m.group(2).replace("+", "%2B"), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException notPercentEncoded) {
                credentials = m.group(2);
            }
            return new MilvusConnectParam(uriWithoutCredentials(), credentials, host, port, username, password,
                    enableTls, dialConfig, channelNum, ignorePartition, connectTimeout);
        }

        private String uriWithoutCredentials() {
            return uri == null ? null : URI_USER_INFO.matcher(uri).replaceFirst("$1");
        }

        /** True when neither a URI nor a host/port was given (the reference's "empty downstream"). */
        public boolean isEmpty() {
            return (uri == null || uri.isEmpty()) && (host == null || host.isEmpty()) && port <= 0;
        }

        /** The target address: {@code uri}, or {@code http(s)://host:port} from the older fields. */
        public String effectiveUri() {
            if (uri != null && !uri.isEmpty()) {
                return uri;
            }
            return (enableTls ? "https://" : "http://") + host + ":" + port;
        }

        /** The credential: {@code token}, or {@code username:password} from the older fields. */
        public String effectiveToken() {
            if (token != null && !token.isEmpty()) {
                return token;
            }
            if (username != null && !username.isEmpty()) {
                return username + ":" + (password == null ? "" : password);
            }
            return "";
        }
    }

    /** TLS material for the target connection; all values are paths on the CDC host. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record DialConfig(
            @JsonProperty("server_name") String serverName,
            @JsonProperty("server_pem_path") String serverPemPath,
            @JsonProperty("ca_pem_path") String caPemPath,
            @JsonProperty("client_pem_path") String clientPemPath,
            @JsonProperty("client_key_path") String clientKeyPath) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record KafkaConnectParam(
            @JsonProperty("address") String address,
            @JsonProperty("topic") String topic,
            @JsonProperty("enable_sasl") boolean enableSasl,
            @JsonProperty("sasl") Sasl sasl) {

        public KafkaConnectParam redacted() {
            return new KafkaConnectParam(address, topic, enableSasl,
                    sasl == null ? null : new Sasl(null, null, sasl.mechanisms(), sasl.securityProtocol()));
        }

        public boolean isEmpty() {
            return address == null || address.isEmpty();
        }

        /** True when no field holds a value: the empty form reference scripts may send. */
        public boolean isUnset() {
            return isEmpty() && (topic == null || topic.isEmpty()) && !enableSasl
                    && (sasl == null || Stream.of(sasl.username(), sasl.password(), sasl.mechanisms(),
                            sasl.securityProtocol()).allMatch(v -> v == null || v.isEmpty()));
        }
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record Sasl(
            @JsonProperty("username") String username,
            @JsonProperty("password") String password,
            @JsonProperty("mechanisms") String mechanisms,
            @JsonProperty("security_protocol") String securityProtocol) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record CollectionInfo(
            @JsonProperty("name") String name,
            @JsonProperty("positions") Map<String, String> positions,
            @JsonProperty("use_start_position") boolean useStartPosition) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record RpcChannelInfo(@JsonProperty("name") String name, @JsonProperty("position") String position) {
    }

    public record ExtraInfo(@JsonProperty("enable_user_role") boolean enableUserRole) {
    }

    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public record NameMapping(
            @JsonProperty("source_db") String sourceDb,
            @JsonProperty("target_db") String targetDb,
            @JsonProperty("collection_mapping") Map<String, String> collectionMapping) {
    }

    public record BufferConfig(@JsonProperty("period") int period, @JsonProperty("size") int size) {
    }
}
