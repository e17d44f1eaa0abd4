package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.source.log.SourceLogException;
import dev.milvuscdc.task.TaskSpec.CollectionInfo;
import dev.milvuscdc.task.TaskSpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import milvus.proto.msg.Msg;
import org.junit.jupiter.api.Test;

/** Where a new task starts each channel: at its end, or where the task's collections say. */
class StartPositionsTest {

    private final FakeSource source = new FakeSource();
    private final FakeLog log = new FakeLog();
    private final StartPositions start = new StartPositions(log, source);

    @Test
    void theChannelsOfTheCollectionsInScopeAndTheReplicateChannelStartAtTheirEnds() throws Exception {
        source.collection(13, 1, "a", 1);
        source.collection(14, 1, "b", 1);

        Map<String, ChannelPosition> positions = start.of(spec(List.of(info("a", Map.of(), false)), null), Duration.ofSeconds(1));

        assertThat(positions).containsOnlyKeys(FakeLog.REPLICATE, "dml_1");
        assertThat(positions.get("dml_1").messageId()).isEqualTo("end");
    }

    @Test
    void positionsFromABackupStartTheirChannelsThereAndTheEarliestWinsOnASharedChannel() throws Exception {
        source.collection(13, 1, "a", 1);
        source.collection(17, 1, "b", 1);

        Map<String, ChannelPosition> positions = start.of(spec(List.of(
                info("a", Map.of("dml_1_13v0", position("5", 50)), false),
                info("b", Map.of("dml_1_17v0", position("3", 30), "dml_2_17v1", position("4", 40)), false)), null),
                Duration.ofSeconds(1));

        assertThat(positions.get("dml_1")).isEqualTo(new ChannelPosition("dml_1", "3", 30));
        assertThat(positions.get("dml_2")).isEqualTo(new ChannelPosition("dml_2", "4", 40));
    }

    @Test
    void useStartPositionReadsTheCollectionFromItsFirstMessage() throws Exception {
        source.collection(13, 1, "a", 1);

        Map<String, ChannelPosition> positions = start.of(spec(List.of(info("a", Map.of(), true)), null), Duration.ofSeconds(1));

        assertThat(positions.get("dml_1").messageId()).isEqualTo("before 7");
    }

    @Test
    void theReplicateChannelStartsWhereRpcChannelInfoSays() throws Exception {
        Map<String, ChannelPosition> positions = start.of(spec(List.of(info("a", Map.of(), false)),
                new TaskSpec.RpcChannelInfo(FakeLog.REPLICATE, position("2", 20))), Duration.ofSeconds(1));

        assertThat(positions.get(FakeLog.REPLICATE)).isEqualTo(new ChannelPosition(FakeLog.REPLICATE, "2", 20));
    }

    @Test
    void aPositionThatIsNoMsgPositionIsRefusedNamingItsChannel() {
        assertThatThrownBy(() -> start.of(spec(List.of(info("a", Map.of("dml_1_13v0",
                Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff})), false)), null), Duration.ofSeconds(1)))
                .isInstanceOf(SourceLogException.class)
                .hasMessageContaining("the position of dml_1_13v0 cannot be used");
    }

    @Test
    void useStartPositionOfACollectionTheSourceDoesNotHaveIsRefused() {
        assertThatThrownBy(() -> start.of(spec(List.of(info("ghost", Map.of(), true)), null), Duration.ofSeconds(1)))
                .isInstanceOf(SourceLogException.class)
                .hasMessageContaining("no collection default.ghost");
    }

    private static CollectionInfo info(String name, Map<String, String> positions, boolean useStart) {
        return new CollectionInfo(name, positions, useStart);
    }

    private static String position(String messageId, long timestamp) {
        return Base64.getEncoder().encodeToString(Msg.MsgPosition.newBuilder().setChannelName("x")
                .setMsgID(ByteString.copyFromUtf8(messageId)).setTimestamp(timestamp).build().toByteArray());
    }

    private static TaskSpec spec(List<CollectionInfo> infos, TaskSpec.RpcChannelInfo rpc) {
        return new TaskSpec(new TaskSpec.MilvusConnectParam("http://t:1", null, null, 0, null, null, false, null, 0, false, 1),
                null, infos, null, rpc, null, null, null, false, "t1");
    }
}
