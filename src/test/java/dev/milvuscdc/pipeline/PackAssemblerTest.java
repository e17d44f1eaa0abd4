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
