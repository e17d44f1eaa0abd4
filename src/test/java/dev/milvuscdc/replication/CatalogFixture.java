package dev.milvuscdc.replication;

import dev.milvuscdc.metrics.CdcMetrics;
import dev.milvuscdc.source.meta.CollectionMeta;
import dev.milvuscdc.task.CollectionPattern;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The engine's catalog of copies (identity map, DDL executor, partition copies) over a source and a
 * target in memory, with the task's stored catalog in a map. {@link #restart()} gives the state a
 * new run of the task would start from: the same source, target and stored catalog, nothing else.
 */
final class CatalogFixture {

    final FakeSource source;
    final FakeTarget target;
    final Map<String, String> stored;
    final RecordingListener listener = new RecordingListener();
    final Retrier retrier = new Retrier(listener, Duration.ofMillis(1), Duration.ofMillis(5));
    final List<CollectionMeta> channelsNeeded = new CopyOnWriteArrayList<>();
    final DdlExecutor ddl;
    final PartitionCopies partitions;
    final TargetCatalog catalog;
    private final Scope scope;

    /** @param patterns the task's scope as {@code db.collection} items, {@code *} allowed */
    CatalogFixture(String... patterns) {
        this(scope(patterns));
    }

    CatalogFixture(Scope scope) {
        this(new FakeSource(), new FakeTarget(), new ConcurrentHashMap<>(), scope);
    }

    private CatalogFixture(FakeSource source, FakeTarget target, Map<String, String> stored, Scope scope) {
        this.source = source;
        this.target = target;
        this.stored = stored;
        this.scope = scope;
        PartitionOwners owners = new PartitionOwners(Map.copyOf(stored), new PartitionOwners.CatalogWriter() {
            @Override
            public void put(String key, String value) {
                stored.put(key, value);
            }

            @Override
            public void remove(String key) {
                stored.remove(key);
            }
        });
        this.ddl = new DdlExecutor(source, target, scope, retrier, new IdentityMap(), owners, channelsNeeded::add);
        this.partitions = new PartitionCopies(source, target, retrier, owners);
        this.catalog = new TargetCatalog(source, ddl, partitions,
                new CollectionOperations(source, ddl, target, retrier, new CdcMetrics(), "t1"));
    }

    CatalogFixture restart() {
        return new CatalogFixture(source, target, stored, scope);
    }

    private static Scope scope(String... patterns) {
        return new Scope(Arrays.stream(patterns).map(p -> {
            String[] parts = p.split("\\.", 2);
            return new CollectionPattern(parts[0], parts[1]);
        }).toList());
    }
}
