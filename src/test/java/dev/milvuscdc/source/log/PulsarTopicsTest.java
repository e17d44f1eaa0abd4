package dev.milvuscdc.source.log;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PulsarTopicsTest {

    @Test
    void aRoleWithoutAGrantIsAccessDeniedThoughTheWebServiceAnswers401() {
        assertThat(PulsarTopics.deniesAccess(401, "Unauthorized to validateTopicOperation for operation [GET_STATS]"
                + " on topic [persistent://milvus-rig/source/by-dev-replicate-msg]")).isTrue();
        assertThat(PulsarTopics.deniesAccess(401, "Don't have permission to administrate resources on this tenant")).isTrue();
        assertThat(PulsarTopics.deniesAccess(403, "")).isTrue();
    }

    @Test
    void refusedCredentialsAreNotAccessDenied() {
        assertThat(PulsarTopics.deniesAccess(401, "Authentication required")).isFalse();
        assertThat(PulsarTopics.deniesAccess(401, "")).isFalse();
        assertThat(PulsarTopics.deniesAccess(404, "Topic not found")).isFalse();
    }

    @Test
    void aBrokerThatIsNotReadyIsAskedAgainButAMalformedRequestIsNot() {
        assertThat(PulsarTopics.passes(412)).as("service not ready, right after a broker starts").isTrue();
        assertThat(PulsarTopics.passes(503)).isTrue();
        assertThat(PulsarTopics.passes(500)).isTrue();
        assertThat(PulsarTopics.passes(307)).as("a redirect the client could not follow").isTrue();
        assertThat(PulsarTopics.passes(400)).isFalse();
    }
}
