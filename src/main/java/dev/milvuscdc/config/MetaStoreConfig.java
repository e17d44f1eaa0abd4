package dev.milvuscdc.config;

/**
 * Where tasks are kept ({@code metaStoreConfig}).
 *
 * @param mysql the MySQL/MariaDB store's connection, null unless {@code storeType} is mysql
 */
public record MetaStoreConfig(StoreType storeType, String rootPath, JdbcSource mysql, EtcdConfig etcd) {

    static MetaStoreConfig read(ConfigTree tree) {
        StoreType type = StoreType.parse(tree.string("metaStoreConfig.storeType", "embedded"));
        String dsn = tree.string("metaStoreConfig.mysqlSourceUrl", "");
        if (type == StoreType.MYSQL && dsn.isBlank()) {
            throw new ConfigException("metaStoreConfig.mysqlSourceUrl: required when storeType is mysql");
        }
        return new MetaStoreConfig(
                type,
                tree.string("metaStoreConfig.rootPath", "cdc-by-dev"),
                type == StoreType.MYSQL ? JdbcSource.parse(dsn.trim()) : null,
                EtcdConfig.read(tree, "metaStoreConfig.etcd"));
    }
}
