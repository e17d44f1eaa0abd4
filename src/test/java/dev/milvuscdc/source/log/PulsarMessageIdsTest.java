package dev.milvuscdc.source.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.milvuscdc.config.PulsarConfig;
import dev.milvuscdc.config.Secret;
import dev.milvuscdc.event.ChannelPosition;
import org.apache.pulsar.client.api.MessageIdAdv;
import org.apache.pulsar.client.impl.BatchMessageIdImpl;
import org.apache.pulsar.client.impl.MessageIdImpl;
import org.junit.jupiter.api.Test;

class PulsarMessageIdsTest {

    private final PulsarSource source = new PulsarSource(new PulsarConfig("pulsar://p:6650", "", 8080,
            "public", "default", "", new Secret("")), "by-dev-replicate-msg");

    /** What Milvus 2.3.5 records: a batch of one, index 0, partition 0 (measured in PulsarLogFactsIT). */
    private static ByteString milvusId(long ledger, long entry) {
        return ByteString.copyFrom(new BatchMessageIdImpl(ledger, entry, 0, 0).toByteArray());
    }

    @Test
    void aMilvusIdRoundTripsThroughItsBase64Form() {
        ChannelPosition at = source.positionOf("by-dev-rootcoord-dml_0", milvusId(6, 42), 7);
        MessageIdAdv id = PulsarMessageIds.decode(at.messageId());

        assertThat(id.getLedgerId()).isEqualTo(6);
        assertThat(id.getEntryId()).isEqualTo(42);
        assertThat(id.getBatchIndex()).isZero();
        assertThat(id.getPartitionIndex()).as("the broker's form for a non-partitioned topic").isEqualTo(-1);
        assertThat(at.timestamp()).isEqualTo(7);
    }

    @Test
    void thePositionBeforeAMessageIsThePreviousEntryOrTheStartOfItsLedger() {
        MessageIdAdv before = PulsarMessageIds.decode(source.positionBefore("c", milvusId(6, 42)).messageId());
        MessageIdAdv beforeFirst = PulsarMessageIds.decode(source.positionBefore("c", milvusId(9, 0)).messageId());

        assertThat(before.getLedgerId()).isEqualTo(6);
        assertThat(before.getEntryId()).isEqualTo(41);
        assertThat(before.getBatchIndex()).isEqualTo(-1);
        assertThat(beforeFirst.getLedgerId()).isEqualTo(9);
        assertThat(beforeFirst.getEntryId()).isEqualTo(-1);
    }

    @Test
    void positionsOrderByLedgerThenEntryThenBatchIndex() {
        ChannelPosition a = source.positionOf("c", milvusId(6, 42), 0);
        ChannelPosition b = source.positionOf("c", milvusId(6, 43), 0);
        ChannelPosition c = source.positionOf("c", milvusId(7, 0), 0);
        ChannelPosition beforeA = source.positionBefore("c", milvusId(6, 42));
        ChannelPosition entryOfA = new ChannelPosition("c", PulsarMessageIds.encode(new MessageIdImpl(6, 42, -1)), 0);

        assertThat(source.isBefore(a, b)).isTrue();
        assertThat(source.isBefore(b, c)).isTrue();
        assertThat(source.isBefore(c, a)).isFalse();
        assertThat(source.isBefore(beforeA, a)).isTrue();
        assertThat(source.isBefore(a, entryOfA)).as("an id without batch index names the whole entry").isTrue();
        assertThat(source.isBefore(entryOfA, b)).isTrue();
        assertThat(source.isBefore(a, a)).isFalse();
    }

    @Test
    void bytesThatAreNoMessageIdAreRefusedWithTheirChannel() {
        assertThatThrownBy(() -> source.positionOf("by-dev-rootcoord-dml_1", ByteString.copyFrom(new byte[] {1, 2, 3}), 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a Pulsar message id")
                .hasMessageContaining("by-dev-rootcoord-dml_1");
        assertThatThrownBy(() -> source.positionBefore("c", ByteString.copyFrom(new BatchMessageIdImpl(6, 4, -1, 2).toByteArray())))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not the first of its batch");
    }

    @Test
    void theTokenNeverAppearsWhenTheSourceIsPrinted() {
        PulsarSource withToken = new PulsarSource(new PulsarConfig("pulsar://p:6650", "", 8080,
                "public", "default", "org.apache.pulsar.client.impl.auth.AuthenticationToken", new Secret("token:abc.def")),
                "r");

        assertThat(withToken.toString()).doesNotContain("abc.def").contains("pulsar://p:6650").contains("http://p:8080");
    }
}
