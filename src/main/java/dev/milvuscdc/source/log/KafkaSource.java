package dev.milvuscdc.source.log;

import java.util.Map;

/**
 * The source's Kafka and the channel names its Milvus uses on it.
 *
 * @param bootstrap        {@code sourceConfig.kafka.address}
 * @param clientProperties extra consumer properties ({@code sourceConfig.kafka.consumer})
 * @param replicateChannel {@code sourceConfig.replicateChan}, e.g. {@code by-dev-replicate-msg}
 * @param dmlChannelCount  the source's {@code rootCoord.dmlChannelNum}
 */
public record KafkaSource(String bootstrap, Map<String, String> clientProperties, String replicateChannel, int dmlChannelCount) {

    private static final String REPLICATE_SUFFIX = "-replicate-msg";

    /** Leaves the client properties out: they may hold SASL credentials. */
    @Override
    public String toString() {
        return "KafkaSource[bootstrap=" + bootstrap + ", replicateChannel=" + replicateChannel
                + ", dmlChannelCount=" + dmlChannelCount + "]";
    }

    /** The DML channel names: {@code <cluster>-rootcoord-dml_<i>}, the cluster prefix taken from the replicate channel. */
    public java.util.List<String> dmlChannels() {
        String cluster = replicateChannel.endsWith(REPLICATE_SUFFIX)
                ? replicateChannel.substring(0, replicateChannel.length() - REPLICATE_SUFFIX.length())
                : replicateChannel;
        return java.util.stream.IntStream.range(0, dmlChannelCount)
                .mapToObj(i -> cluster + "-rootcoord-dml_" + i)
                .toList();
    }
}
