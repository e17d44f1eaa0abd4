package dev.milvuscdc.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.milvus.grpc.MsgBase;
import io.milvus.grpc.MsgType;
import milvus.proto.msg.Msg;
import org.junit.jupiter.api.Test;

class MessageReplicatorTest {

    @Test
    void aReaddressedMessageReadsAsTheTargetsAndKeepsEverythingElse() throws Exception {
        Msg.InsertRequest source = Msg.InsertRequest.newBuilder()
                .setBase(MsgBase.newBuilder().setMsgType(MsgType.Insert).setMsgID(42))
                .setShardName("by-dev-rootcoord-dml_0_11v1").setCollectionName("c").setPartitionName("p")
                .setCollectionID(11).setPartitionID(12).setSegmentID(13).addTimestamps(100).addRowIDs(7).setNumRows(1)
                .build();

        Msg.InsertRequest target = Msg.InsertRequest.parseFrom(MessageReplicator.readdressed(source.toByteString(),
                "target-rootcoord-dml_3_21v1", 21, 22));

        assertThat(target.getShardName()).isEqualTo("target-rootcoord-dml_3_21v1");
        assertThat(target.getCollectionID()).isEqualTo(21);
        assertThat(target.getPartitionID()).isEqualTo(22);
        assertThat(target.toBuilder().setShardName(source.getShardName()).setCollectionID(11).setPartitionID(12).build())
                .isEqualTo(source);
    }

    @Test
    void aDeleteForEveryPartitionKeepsMinusOne() throws Exception {
        Msg.DeleteRequest source = Msg.DeleteRequest.newBuilder().setShardName("s_1v0").setCollectionID(1)
                .setPartitionID(-1).addTimestamps(5).build();

        Msg.DeleteRequest target = Msg.DeleteRequest.parseFrom(MessageReplicator.readdressed(source.toByteString(),
                "t_2v0", 2, -1));

        assertThat(target.getPartitionID()).isEqualTo(-1);
        assertThat(target.getCollectionID()).isEqualTo(2);
        assertThat(target.getShardName()).isEqualTo("t_2v0");
    }

    @Test
    void theShardIndexIsTheNumberAfterTheLastV() {
        assertThat(MessageReplicator.shardIndex("by-dev-rootcoord-dml_0_470886453008404729v0")).isZero();
        assertThat(MessageReplicator.shardIndex("dev-v2-rootcoord-dml_3_4v12")).isEqualTo(12);
        assertThatThrownBy(() -> MessageReplicator.shardIndex("by-dev-rootcoord-dml_0")).isInstanceOf(RuntimeException.class);
    }
}
