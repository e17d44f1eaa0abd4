package dev.milvuscdc.source.log;

import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;

/**
 * Sorts Kafka client failures into those that time can cure (a broker away, a leader moving) and
 * those that only an operator can (credentials refused, access denied).
 */
final class KafkaFailures {

    private KafkaFailures() {
    }

    static SourceLogException classify(String what, String bootstrap, KafkaException e) {
        if (e instanceof AuthenticationException) {
            return new SourceLogException("cannot " + what + ": Kafka " + bootstrap + " refused the credentials: "
                    + e.getMessage() + "; check sourceConfig.kafka.saslUsername, saslPassword, saslMechanisms and"
                    + " securityProtocol, then resume the task", e, false);
        }
        if (e instanceof AuthorizationException) {
            return new SourceLogException("cannot " + what + ": Kafka " + bootstrap + " denied access: "
                    + e.getMessage() + "; grant the CDC's Kafka user read access to the source's topics, then resume the task",
                    e, false);
        }
        return new SourceLogException("cannot " + what + ": " + e.getMessage()
                + "; check sourceConfig.kafka.address and that the broker is up", e, true);
    }
}
