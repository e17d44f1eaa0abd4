package dev.milvuscdc.source.log;

import java.util.concurrent.ExecutionException;
import org.apache.pulsar.client.api.PulsarClientException;

/**
 * Sorts Pulsar client failures into those that time can cure (a broker away, a topic moving) and
 * those that only an operator can (credentials refused, access denied, a wrong tenant or namespace).
 */
final class PulsarFailures {

    /** What an operator does about a role the broker denies: the grant the CDC's reading needs. */
    static final String GRANT_HINT = "grant the CDC's role consume on the source's namespace"
            + " (pulsar-admin namespaces grant-permission <tenant>/<namespace> --role <role> --actions consume),"
            + " then resume the task";

    private PulsarFailures() {
    }

    static PulsarLogException classify(String what, String address, Exception failure) {
        Throwable e = failure instanceof ExecutionException && failure.getCause() != null ? failure.getCause() : failure;
        if (e instanceof PulsarClientException.AuthenticationException) {
            return new PulsarLogException("cannot " + what + ": Pulsar " + address + " refused the credentials: "
                    + e.getMessage() + "; check sourceConfig.pulsar.authPlugin and authParams, then resume the task", failure, false);
        }
        if (e instanceof PulsarClientException.AuthorizationException) {
            return new PulsarLogException("cannot " + what + ": Pulsar " + address + " denied access: " + e.getMessage()
                    + "; " + GRANT_HINT, failure, false);
        }
        if (e instanceof PulsarClientException.NotAllowedException
                || e instanceof PulsarClientException.TopicDoesNotExistException) {
            return new PulsarLogException("cannot " + what + ": Pulsar " + address + " refused: " + e.getMessage()
                    + "; check sourceConfig.pulsar.tenant and namespace and that the CDC's role may read the source's topics,"
                    + " then resume the task", failure, false);
        }
        return new PulsarLogException("cannot " + what + ": " + e.getMessage()
                + "; check sourceConfig.pulsar.address and that the broker is up", failure, true);
    }
}
