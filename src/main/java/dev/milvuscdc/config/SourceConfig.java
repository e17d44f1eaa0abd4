package dev.milvuscdc.config;

/** The source Milvus: its etcd metadata and its message queue ({@code sourceConfig}). */
public record SourceConfig(
        EtcdConfig etcd,
        KafkaConfig kafka,
        PulsarConfig pulsar,
        String replicateChan,
        int channelNum,
        String defaultPartitionName,
        int readChanLen,
        int timeTickIntervalMillis) {

    static SourceConfig read(ConfigTree tree) {
        SourceConfig config = new SourceConfig(
                EtcdConfig.read(tree, "sourceConfig.etcd", "by-dev"),
                KafkaConfig.read(tree),
                PulsarConfig.read(tree),
                tree.string("sourceConfig.replicateChan", "by-dev-replicate-msg"),
                tree.integer("sourceConfig.channelNum", 0),
                tree.string("sourceConfig.defaultPartitionName", "_default"),
                tree.integer("sourceConfig.readChanLen", 4),
                tree.integer("sourceConfig.timeTickInterval", 500));
        if (config.replicateChan.isBlank()) {
            throw new ConfigException("sourceConfig.replicateChan: must not be empty (the source's {cluster}-replicate-msg)");
        }
        return config;
    }
}
