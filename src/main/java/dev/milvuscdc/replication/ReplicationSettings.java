package dev.milvuscdc.replication;

import dev.milvuscdc.sink.TargetConnector;
import dev.milvuscdc.snapshot.SnapshotSource;
import dev.milvuscdc.source.log.SourceLog;
import dev.milvuscdc.source.meta.MetadataSource;
import java.time.Duration;

/**
 * What every replication task shares: where the source's log and metadata are, how it reaches its
 * target, how often positions are written, faults retried and the target watched for restarts
 * ({@link TargetRestartWatch}), and where initial copies read rows.
 */
public record ReplicationSettings(
        SourceLog log,
        MetadataSource metadata,
        TargetConnector target,
        Duration positionFlushInterval,
        Duration initialBackoff,
        Duration maxBackoff,
        Duration targetWatchEvery,
        SnapshotSource snapshotSource) {

    /** How often a task asks its target whether it restarted, in production. */
    public static final Duration TARGET_WATCH_EVERY = Duration.ofSeconds(5);
}
