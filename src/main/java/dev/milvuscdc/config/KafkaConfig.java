package dev.milvuscdc.config;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The source Kafka; {@code consumer} holds extra client properties.
 */
public record KafkaConfig(
        String address,
        Map<String, String> consumer,
        String saslUsername,
        Secret saslPassword,
        String saslMechanisms,
        String securityProtocol) {

    private static final Pattern SENSITIVE = Pattern.compile("(?i).*(password|secret|jaas|token|key).*");

    /** Client properties may hold credentials ({@code sasl.jaas.config}): those values are masked. */
    @Override
    public String toString() {
        return "KafkaConfig[address=" + address + ", consumer=" + masked(consumer)
                + ", saslUsername=" + saslUsername + ", saslPassword=" + saslPassword + ", saslMechanisms="
                + saslMechanisms + ", securityProtocol=" + securityProtocol + "]";
    }

    private static Map<String, String> masked(Map<String, String> properties) {
        Map<String, String> shown = new TreeMap<>();
        properties.forEach((k, v) -> shown.put(k, SENSITIVE.matcher(k).matches() ? "******" : v));
        return shown;
    }

    /**
     * The properties every Kafka client of this source needs: the {@code consumer} extras, the
     * security protocol, and the SASL mechanism with a JAAS line built from the username and password.
     */
    public Map<String, String> clientProperties() {
        Map<String, String> properties = new HashMap<>(consumer);
        if (!securityProtocol.isEmpty()) {
            properties.put("security.protocol", securityProtocol);
        }
        if (!saslMechanisms.isEmpty()) {
            properties.put("sasl.mechanism", saslMechanisms);
            String module = saslMechanisms.toUpperCase(Locale.ROOT).startsWith("SCRAM")
                    ? "org.apache.kafka.common.security.scram.ScramLoginModule"
                    : "org.apache.kafka.common.security.plain.PlainLoginModule";
            properties.put("sasl.jaas.config", module + " required username=\"" + saslUsername
                    + "\" password=\"" + saslPassword.value() + "\";");
        }
        return Map.copyOf(properties);
    }

    static KafkaConfig read(ConfigTree tree) {
        String p = "sourceConfig.kafka.";
        return new KafkaConfig(
                tree.string(p + "address", "127.0.0.1:9092"),
                tree.map(p + "consumer"),
                tree.string(p + "saslUsername", ""),
                tree.secret(p + "saslPassword"),
                tree.string(p + "saslMechanisms", ""),
                tree.string(p + "securityProtocol", ""));
    }
}
