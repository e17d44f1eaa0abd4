package dev.milvuscdc.config;

/**
 * The source Milvus: its etcd metadata and its message queue ({@code sourceConfig}).
 *
 * @param etcdRootPath    the source's {@code etcd.rootPath}
 * @param etcdMetaSubPath the source's {@code etcd.metaSubPath}
 */
public record SourceConfig(
        EtcdConfig etcd,
        String etcdRootPath,
        String etcdMetaSubPath,
        KafkaConfig kafka,
        PulsarConfig pulsar,
        String replicateChan,
        int channelNum,
        String defaultPartitionName) {

    static SourceConfig read(ConfigTree tree) {
        SourceConfig config = new SourceConfig(
                EtcdConfig.read(tree, "sourceConfig.etcd"),
                tree.string("sourceConfig.etcd.rootPath", "by-dev"),
                tree.string("sourceConfig.etcd.metaSubPath", "meta"),
                KafkaConfig.read(tree),
                PulsarConfig.read(tree),
                tree.string("sourceConfig.replicateChan", "by-dev-replicate-msg"),
                tree.integer("sourceConfig.channelNum", 0),
                tree.string("sourceConfig.defaultPartitionName", "_default"));
        if (config.replicateChan.isBlank()) {
            throw new ConfigException("sourceConfig.replicateChan: must not be empty (the source's {cluster}-replicate-msg)");
        }
        return config;
    }
}
