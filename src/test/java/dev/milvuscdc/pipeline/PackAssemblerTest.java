package dev.milvuscdc.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.event.MessagePack;
import io.milvus.grpc.IDs;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class PackAssemblerTest {

    private final PackAssembler assembler = new PackAssembler(new ChannelPosition("dml_0", "start", 0));

    @Test
    void messagesWaitForTheTimeTickThatClosesTheirPack() {
        assertThat(assembler.add(insert(10, 0))).isEmpty();
        assertThat(assembler.add(delete(11, 1))).isEmpty();

        Optional<MessagePack> pack = assembler.add(tick(12, 2));

        assertThat(pack).isPresent();
        assertThat(pack.get().messages()).extracting(m -> m.position().messageId()).containsExactly("0", "1");
        assertThat(pack.get().end().messageId()).isEqualTo("2");
    }

    @Test
    void aPackThatLeavesNothingBufferedIsSafeUpToItsTick() {
        assembler.add(insert(10, 0));

        assertThat(assembler.add(tick(12, 1)).orElseThrow().safeTick()).isEqualTo(12);
    }

    @Test
    void thePacksSafeTickStaysBelowReleasedMessagesThatARestartFromItsEndReadsAgain() {
        assembler.add(insert(100, 0));
        assembler.add(delete(90, 1));
        assembler.add(insert(93, 2));

        MessagePack pack = assembler.add(tick(95, 3)).orElseThrow();

        assertThat(pack.end().messageId()).as("before the buffered insert at 100").isEqualTo("start");
        assertThat(pack.safeTick()).as("below the delete at 90, read again from there").isEqualTo(89);
    }

    @Test
    void releasedMessagesBeforeTheOldestBufferedOneDoNotLowerTheSafeTick() {
        assembler.add(delete(90, 0));
        assembler.add(insert(100, 1));

        MessagePack pack = assembler.add(tick(95, 2)).orElseThrow();

        assertThat(pack.end().messageId()).isEqualTo("0");
        assertThat(pack.safeTick()).isEqualTo(95);
    }

    @Test
    void anUpsertsDeleteGoesBeforeItsInsertOfTheSameTimestamp() {
        assembler.add(insert(20, 0));
        assembler.add(delete(20, 1));

        MessagePack pack = assembler.add(tick(21, 2)).orElseThrow();

        assertThat(pack.messages()).extracting(m -> m.event().getClass().getSimpleName()).containsExactly("Delete", "Insert");
    }

    @Test
    void anUpsertsInsertOfTheDeletesTimestampGoesAfterIt() {
        assembler.add(insert(50, 0));
        assembler.add(delete(50, 1));

        MessagePack pack = assembler.add(tick(51, 2)).orElseThrow();

        assertThat(pack.messages()).extracting(m -> m.position().messageId()).containsExactly("1", "0");
    }

    @Test
    void aTickReleasesOnlyMessagesUpToItsTimestampAndTheEndStaysBeforeTheRest() {
        assembler.add(insert(100, 0));
        assembler.add(delete(90, 1));

        MessagePack first = assembler.add(tick(95, 2)).orElseThrow();

        assertThat(first.messages()).extracting(m -> m.position().messageId()).containsExactly("1");
        assertThat(first.end().messageId()).isEqualTo("start");

        MessagePack second = assembler.add(tick(100, 3)).orElseThrow();

        assertThat(second.messages()).extracting(m -> m.position().messageId()).containsExactly("0");
        assertThat(second.end().messageId()).isEqualTo("3");
    }

    @Test
    void anUpsertSplitByAnEarlierTickIsReleasedWholeWithTheDeleteFirst() {
        assembler.add(insert(200, 0));
        assertThat(assembler.add(tick(199, 1)).orElseThrow().messages()).isEmpty();
        assembler.add(delete(200, 2));

        MessagePack pack = assembler.add(tick(200, 3)).orElseThrow();

        assertThat(pack.messages()).extracting(m -> m.position().messageId()).containsExactly("2", "0");
        assertThat(pack.end().messageId()).isEqualTo("3");
    }

    @Test
    void messagesOfDifferentTimestampsKeepTimestampOrder() {
        assembler.add(delete(30, 0));
        assembler.add(insert(31, 1));
        assembler.add(delete(32, 2));

        MessagePack pack = assembler.add(tick(33, 3)).orElseThrow();

        assertThat(pack.messages()).extracting(m -> m.position().messageId()).containsExactly("0", "1", "2");
    }

    @Test
    void aTickAloneClosesAnEmptyPackThatStillAdvancesThePosition() {
        MessagePack pack = assembler.add(tick(40, 7)).orElseThrow();

        assertThat(pack.messages()).isEmpty();
        assertThat(pack.end().timestamp()).isEqualTo(40);
        assertThat(assembler.add(tick(41, 8)).orElseThrow().messages()).isEmpty();
    }

    @Test
    void insertsGoAheadOfTheirTickOnceAndTheTickAcknowledgesThem() {
        assembler.add(insert(10, 0));
        assembler.add(insert(11, 1));

        assertThat(assembler.takeAhead()).extracting(m -> m.position().messageId()).containsExactly("0", "1");
        assertThat(assembler.takeAhead()).isEmpty();

        MessagePack pack = assembler.add(tick(12, 2)).orElseThrow();

        assertThat(pack.messages()).isEmpty();
        assertThat(pack.wentAhead()).extracting(m -> m.position().messageId()).containsExactly("0", "1");
        assertThat(pack.allMessages()).hasSize(2);
        assertThat(pack.rewritesRows()).isFalse();
        assertThat(pack.end().messageId()).isEqualTo("2");
    }

    @Test
    void nothingGoesAheadWhileADeleteOrAnotherChangeWaits() {
        assembler.add(delete(10, 0));
        assembler.add(insert(11, 1));
        assertThat(assembler.takeAhead()).isEmpty();
        assembler.add(tick(11, 2));

        assembler.add(message(new ChangeEvent.CollectionDropped(1, "c", 12), 3));
        assembler.add(insert(13, 4));
        assertThat(assembler.takeAhead()).isEmpty();
    }

    @Test
    void afterAPackWithADeleteInsertsWaitForTheirTickUntilAPackWithoutOne() {
        assembler.add(delete(10, 0));
        assembler.add(tick(10, 1));
        assembler.add(insert(11, 2));

        assertThat(assembler.takeAhead()).isEmpty();

        assertThat(assembler.add(tick(11, 3)).orElseThrow().messages()).hasSize(1);
        assembler.add(insert(12, 4));
        assertThat(assembler.takeAhead()).hasSize(1);
    }

    @Test
    void anUpsertsInsertThatWentAheadIsWrittenAgainAfterItsDelete() {
        assembler.add(insert(20, 0));
        assertThat(assembler.takeAhead()).hasSize(1);
        assembler.add(delete(20, 1));

        MessagePack pack = assembler.add(tick(21, 2)).orElseThrow();

        assertThat(pack.messages()).extracting(m -> m.position().messageId()).containsExactly("1", "0");
        assertThat(pack.wentAhead()).isEmpty();
        assertThat(pack.rewritesRows()).isTrue();
    }

    @Test
    void anInsertThatWentAheadIsWrittenAgainInItsOwnPackWhenAnEarlierDeleteIsReleasedBeforeIt() {
        assembler.add(insert(30, 0));
        assembler.takeAhead();
        assembler.add(delete(25, 1));

        MessagePack first = assembler.add(tick(26, 2)).orElseThrow();
        assertThat(first.messages()).extracting(m -> m.position().messageId()).containsExactly("1");
        assertThat(first.end().messageId()).isEqualTo("start");

        MessagePack second = assembler.add(tick(30, 3)).orElseThrow();
        assertThat(second.messages()).extracting(m -> m.position().messageId()).containsExactly("0");
        assertThat(second.rewritesRows()).isTrue();
    }

    @Test
    void onlyInsertsOfTheDeletesCollectionAtOrAfterItsTimestampAreWrittenAgain() {
        assembler.add(insert(40, 0));
        assembler.add(message(new ChangeEvent.Insert(9, 2, "_default", 1, 40, List.of()), 1));
        assembler.takeAhead();
        assembler.add(delete(41, 2));
        assembler.add(message(new ChangeEvent.Delete(9, 2, "_default", IDs.getDefaultInstance(), 39), 3));

        MessagePack pack = assembler.add(tick(41, 4)).orElseThrow();

        // collection 1's insert (40) precedes its delete (41); collection 9's (40) follows its delete (39)
        assertThat(pack.messages()).extracting(m -> m.position().messageId()).containsExactly("3", "1", "2");
        assertThat(pack.wentAhead()).extracting(m -> m.position().messageId()).containsExactly("0");
        assertThat(pack.rewrittenRows()).as("collection 9's insert of one row").isEqualTo(1);
    }

    @Test
    void forwardingSendsRowChangesAheadInLogOrderUpToTheFirstOtherChange() {
        PackAssembler forwarding = PackAssembler.forwarding(new ChannelPosition("dml_0", "start", 0));
        forwarding.add(insert(10, 0));
        forwarding.add(delete(9, 1));
        forwarding.add(message(new ChangeEvent.CollectionDropped(1, "c", 12), 2));
        forwarding.add(insert(13, 3));

        assertThat(forwarding.takeAhead()).extracting(m -> m.position().messageId()).containsExactly("0", "1");
        assertThat(forwarding.takeAhead()).isEmpty();

        MessagePack pack = forwarding.add(tick(13, 4)).orElseThrow();
        assertThat(pack.wentAhead()).extracting(m -> m.position().messageId()).containsExactly("0", "1");
        assertThat(pack.messages()).extracting(m -> m.position().messageId()).containsExactly("2", "3");
        assertThat(pack.rewritesRows()).isFalse();
    }

    @Test
    void forwardingNeverSendsAMessageTwiceWhenAnEarlierDeleteIsReleasedBeforeIt() {
        PackAssembler forwarding = PackAssembler.forwarding(new ChannelPosition("dml_0", "start", 0));
        forwarding.add(insert(30, 0));
        forwarding.add(delete(25, 1));
        assertThat(forwarding.takeAhead()).hasSize(2);

        MessagePack first = forwarding.add(tick(26, 2)).orElseThrow();
        assertThat(first.messages()).isEmpty();
        assertThat(first.wentAhead()).extracting(m -> m.position().messageId()).containsExactly("1");
        assertThat(first.end().messageId()).as("before the insert its tick has not released").isEqualTo("start");
        assertThat(first.safeTick()).as("below the delete a restart from the start sends again").isEqualTo(24);

        MessagePack second = forwarding.add(tick(30, 3)).orElseThrow();
        assertThat(second.messages()).isEmpty();
        assertThat(second.wentAhead()).extracting(m -> m.position().messageId()).containsExactly("0");
        assertThat(second.rewritesRows()).isFalse();
        assertThat(second.safeTick()).isEqualTo(30);
    }

    private static LogMessage insert(long ts, int offset) {
        return message(new ChangeEvent.Insert(1, 2, "_default", 1, ts, List.of()), offset);
    }

    private static LogMessage delete(long ts, int offset) {
        return message(new ChangeEvent.Delete(1, 2, "_default", IDs.getDefaultInstance(), ts), offset);
    }

    private static LogMessage tick(long ts, int offset) {
        return message(new ChangeEvent.TimeTick(ts), offset);
    }

    private static LogMessage message(ChangeEvent event, int offset) {
        return new LogMessage(new ChannelPosition("dml_0", String.valueOf(offset), event.timestamp()), event);
    }
}
