package dev.milvuscdc.replication;

import dev.milvuscdc.source.log.SourceLog;
import dev.milvuscdc.source.meta.SourceEtcd;
import java.time.Duration;

/**
 * What every replication task shares: where the source is, and how often positions are written
 * and faults retried.
 */
public record ReplicationSettings(
        SourceEtcd etcd,
        SourceLog log,
        Duration positionFlushInterval,
        Duration initialBackoff,
        Duration maxBackoff) {
}
