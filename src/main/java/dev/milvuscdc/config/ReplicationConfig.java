package dev.milvuscdc.config;

import java.time.Duration;

/**
 * How the engine writes to targets.
 *
 * @param initBackOff first wait before a failed target call is tried again ({@code retry.initBackOff}, 0 = 1 s)
 * @param maxBackOff  longest wait between tries ({@code retry.maxBackOff}, 0 = 10 s)
 */
public record ReplicationConfig(boolean dryRun, Duration initBackOff, Duration maxBackOff) {

    static ReplicationConfig read(ConfigTree tree) {
        return new ReplicationConfig(
                tree.bool("dryRun", false),
                seconds(tree, "retry.initBackOff", 1),
                seconds(tree, "retry.maxBackOff", 10));
    }

    private static Duration seconds(ConfigTree tree, String key, int whenZero) {
        int seconds = tree.integer(key, 0);
        if (seconds < 0) {
            throw new ConfigException(key + ": " + seconds + " seconds is negative (0 means " + whenZero + ")");
        }
        return Duration.ofSeconds(seconds == 0 ? whenZero : seconds);
    }
}
