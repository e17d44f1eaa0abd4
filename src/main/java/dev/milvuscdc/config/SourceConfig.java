package dev.milvuscdc.config;

/**
 * The source Milvus: its etcd metadata and its message queue ({@code sourceConfig}).
 *
 * @param etcdRootPath    the source's {@code etcd.rootPath}
 * @param etcdMetaSubPath the source's {@code etcd.metaSubPath}
 * @param milvusUri       the source Milvus's gRPC address ({@code sourceConfig.milvus.uri}), which tasks with
 *                        {@code snapshot: "initial"} read existing rows from; empty when not configured
 * @param milvusToken     its credential, {@code user:password} or an API key
 */
public record SourceConfig(
        EtcdConfig etcd,
        String etcdRootPath,
        String etcdMetaSubPath,
        KafkaConfig kafka,
        PulsarConfig pulsar,
        String replicateChan,
        String milvusUri,
        Secret milvusToken) {

    /** Milvus's {@code common.defaultPartitionName}, the only one the engine knows as a collection's default partition. */
    static final String DEFAULT_PARTITION = "_default";

    static SourceConfig read(ConfigTree tree) {
        SourceConfig config = new SourceConfig(
                EtcdConfig.read(tree, "sourceConfig.etcd"),
                tree.string("sourceConfig.etcd.rootPath", "by-dev"),
                tree.string("sourceConfig.etcd.metaSubPath", "meta"),
                KafkaConfig.read(tree),
                PulsarConfig.read(tree),
                tree.string("sourceConfig.replicateChan", "by-dev-replicate-msg"),
                tree.string("sourceConfig.milvus.uri", ""),
                tree.secret("sourceConfig.milvus.token"));
        String defaultPartition = tree.string("sourceConfig.defaultPartitionName", DEFAULT_PARTITION);
        if (!defaultPartition.equals(DEFAULT_PARTITION)) {
            throw new ConfigException("sourceConfig.defaultPartitionName: only " + DEFAULT_PARTITION + " is supported, got '"
                    + defaultPartition + "': a source whose common.defaultPartitionName differs would have its default"
                    + " partition copied as an ordinary one; remove the key or set it to " + DEFAULT_PARTITION);
        }
        if (config.replicateChan.isBlank()) {
            throw new ConfigException("sourceConfig.replicateChan: must not be empty (the source's {cluster}-replicate-msg)");
        }
        return config;
    }
}
