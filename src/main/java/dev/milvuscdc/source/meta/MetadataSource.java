package dev.milvuscdc.source.meta;

import java.time.Duration;
import java.util.function.Consumer;

/** Where the engine reads the source's metadata: the source's etcd on a server, something else in tests. */
public interface MetadataSource {

    /** The metadata as listed now, then kept current; {@code listener} is told of every change after it is applied. */
    SourceCatalog watch(Consumer<MetaChange> listener);

    /** The metadata as listed now, within {@code timeout}, not watched. */
    SourceCatalog list(Duration timeout);

    /** The source's etcd. */
    static MetadataSource etcd(SourceEtcd etcd) {
        return new MetadataSource() {
            @Override
            public SourceCatalog watch(Consumer<MetaChange> listener) {
                return SourceMetadata.open(etcd, listener);
            }

            @Override
            public SourceCatalog list(Duration timeout) {
                return SourceMetadata.list(etcd, timeout);
            }

            @Override
            public String toString() {
                return etcd.toString();
            }
        };
    }
}
