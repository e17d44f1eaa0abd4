package dev.milvuscdc.control;

/**
 * The server-wide bounds a task must respect.
 *
 * @param replicateChannel the source's replicate channel; {@code rpc_channel_info.name} must equal it
 */
public record TaskLimits(int maxTaskNum, int maxNameLength, String replicateChannel) {
}
