package dev.milvuscdc.config;

/** The whole configuration; only the composition root holds it, components get their section. */
public record CdcConfig(
        ServerConfig server,
        MetaStoreConfig metaStore,
        SourceConfig source,
        ReplicationConfig replication) {

    static CdcConfig read(ConfigTree tree) {
        return new CdcConfig(
                ServerConfig.read(tree),
                MetaStoreConfig.read(tree),
                SourceConfig.read(tree),
                ReplicationConfig.read(tree));
    }
}
