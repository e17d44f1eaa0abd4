package dev.milvuscdc.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskState;
import org.junit.jupiter.api.Test;

class StoredJsonTest {

    @Test
    void aSpecIsStoredWithTheReferenceKeysItsSecretsAndNoHelperProperties() {
        String json = StoredJson.spec(StoreFixtures.fullSpec());

        assertThat(json).contains("\"milvus_connect_param\"", "\"token\":\"root:Milvus\"", "\"enable_tls\":true",
                "\"disable_auto_start\":true", "\"password\":\"sasl-secret\"");
        assertThat(json).doesNotContain("\"empty\"", "effective");
    }

    @Test
    void fieldsAddedByANewerVersionAreIgnored() {
        TaskRecord task = StoredJson.task("{\"task_id\":\"t1\",\"state\":\"Paused\",\"reason\":\"r\","
                + "\"spec\":{\"collection_infos\":[{\"name\":\"*\"}],\"future\":1},\"future\":[1]}");

        assertThat(task.taskId()).isEqualTo("t1");
        assertThat(task.state()).isEqualTo(TaskState.Paused);
        assertThat(task.spec().collectionInfos()).extracting(c -> c.name()).containsExactly("*");
    }

    @Test
    void aPositionRoundTrips() {
        ChannelPosition position = new ChannelPosition("by-dev-rootcoord-dml_1", "AQAAAAAAAAA=", 446_312_345_678_901_249L);

        assertThat(StoredJson.position(StoredJson.position(position))).isEqualTo(position);
    }

    @Test
    void unreadableOrIncompleteValuesAreRejectedAsIllegalArguments() {
        assertThatThrownBy(() -> StoredJson.task("{not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredJson.task("{\"state\":\"Running\"}")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredJson.task("null")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredJson.position("{\"message_id\":\"m\"}"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> StoredJson.task("{\"task_id\":\"t\",\"state\":\"Sleeping\",\"spec\":{}}"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
