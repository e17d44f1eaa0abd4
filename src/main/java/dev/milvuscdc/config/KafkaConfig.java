package dev.milvuscdc.config;

import java.util.Map;

/**
 * The source Kafka; {@code producer} and {@code consumer} are extra client properties.
 */
public record KafkaConfig(
        String address,
        Map<String, String> producer,
        Map<String, String> consumer,
        String saslUsername,
        Secret saslPassword,
        String saslMechanisms,
        String securityProtocol) {

    static KafkaConfig read(ConfigTree tree) {
        String p = "sourceConfig.kafka.";
        return new KafkaConfig(
                tree.string(p + "address", "127.0.0.1:9092"),
                tree.map(p + "producer"),
                tree.map(p + "consumer"),
                tree.string(p + "saslUsername", ""),
                tree.secret(p + "saslPassword"),
                tree.string(p + "saslMechanisms", ""),
                tree.string(p + "securityProtocol", ""));
    }
}
