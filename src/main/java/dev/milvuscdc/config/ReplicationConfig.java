package dev.milvuscdc.config;

import java.time.Duration;

/**
 * How the engine writes to targets: retries of target calls and the batching of position writes.
 *
 * @param retryTimes   read so that reference files load; the engine retries a retriable fault for
 *                     as long as it lasts
 * @param packerTimerInterval longest wait before positions are written
 */
public record ReplicationConfig(
        boolean dryRun,
        boolean batchMode,
        int retryTimes,
        Duration initBackOff,
        Duration maxBackOff,
        Duration packerTimerInterval,
        int packerMaxCount) {

    static ReplicationConfig read(ConfigTree tree) {
        int retryTimes = tree.integer("retry.retryTimes", 0);
        int initBackOff = tree.integer("retry.initBackOff", 0);
        int maxBackOff = tree.integer("retry.maxBackOff", 0);
        boolean referenceDefaults = retryTimes <= 0 || initBackOff <= 0 || maxBackOff <= 0;
        return new ReplicationConfig(
                tree.bool("dryRun", false),
                tree.bool("batchMode", true),
                referenceDefaults ? 17280 : retryTimes,
                Duration.ofSeconds(referenceDefaults ? 1 : initBackOff),
                Duration.ofSeconds(referenceDefaults ? 10 : maxBackOff),
                Duration.ofMillis(tree.integer("packer.timerInterval", 5000)),
                tree.integer("packer.maxCount", 10));
    }
}
