package dev.milvuscdc.control;

/**
 * The server-wide bounds a task must respect.
 *
 * @param replicateChannel the source's replicate channel; {@code rpc_channel_info.name} must equal it
 * @param snapshotSource   whether the source Milvus's address is configured, which {@code snapshot: "initial"} needs
 */
public record TaskLimits(int maxTaskNum, int maxNameLength, String replicateChannel, boolean snapshotSource) {
}
