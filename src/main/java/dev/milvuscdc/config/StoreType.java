package dev.milvuscdc.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Where tasks are kept: {@code metaStoreConfig.storeType}. */
public enum StoreType {
    EMBEDDED, MYSQL, ETCD;

    static StoreType parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String allowed = Arrays.stream(values()).map(t -> t.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            throw new ConfigException("metaStoreConfig.storeType: '" + text + "' is not one of " + allowed);
        }
    }
}
