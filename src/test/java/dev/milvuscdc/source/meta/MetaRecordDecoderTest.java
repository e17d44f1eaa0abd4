package dev.milvuscdc.source.meta;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.source.meta.proto.EtcdMeta;
import io.milvus.grpc.CollectionSchema;
import io.milvus.grpc.DataType;
import io.milvus.grpc.FieldSchema;
import org.junit.jupiter.api.Test;

class MetaRecordDecoderTest {

    private static final byte[] TOMBSTONE = {(byte) 0xE2, (byte) 0x9B, (byte) 0xBC};

    @Test
    void aCollectionRecordDecodesWithItsDatabaseChannelsAndState() throws Exception {
        byte[] value = EtcdMeta.CollectionInfo.newBuilder()
                .setID(42).setDbId(7).setShardsNum(2).setConsistencyLevel(0)
                .setSchema(CollectionSchema.newBuilder().setName("books").build().toByteString())
                .addVirtualChannelNames("by-dev-rootcoord-dml_0_42v0")
                .addPhysicalChannelNames("by-dev-rootcoord-dml_0")
                .setState(EtcdMeta.CollectionState.CollectionCreating)
                .build().toByteArray();

        MetaChange change = MetaRecordDecoder.decode("database/collection-info/7/42", value).orElseThrow();

        assertThat(change).isInstanceOf(MetaChange.CollectionPut.class);
        MetaChange.CollectionPut put = (MetaChange.CollectionPut) change;
        assertThat(put.dropping()).isFalse();
        assertThat(put.meta().name()).isEqualTo("books");
        assertThat(put.meta().dbId()).isEqualTo(7);
        assertThat(put.meta().shardsNum()).isEqualTo(2);
        assertThat(put.meta().creating()).isTrue();
        assertThat(put.meta().virtualChannels()).containsExactly("by-dev-rootcoord-dml_0_42v0");
    }

    @Test
    void aTombstoneOrADeleteRemovesTheObjectItsKeyNames() throws Exception {
        assertThat(MetaRecordDecoder.decode("database/collection-info/7/42", TOMBSTONE))
                .contains(new MetaChange.CollectionRemoved(7, 42));
        assertThat(MetaRecordDecoder.decode("partitions/42/9", null))
                .contains(new MetaChange.PartitionRemoved(42, 9));
        assertThat(MetaRecordDecoder.decode("database/db-info/7", TOMBSTONE))
                .contains(new MetaChange.DatabaseRemoved(7));
    }

    @Test
    void aCollectionBeingDroppedIsReportedAsDropping() throws Exception {
        byte[] value = EtcdMeta.CollectionInfo.newBuilder().setID(42)
                .setState(EtcdMeta.CollectionState.CollectionDropping).build().toByteArray();

        MetaChange.CollectionPut put = (MetaChange.CollectionPut) MetaRecordDecoder.decode("collection/42", value).orElseThrow();

        assertThat(put.dropping()).isTrue();
        assertThat(put.meta().dbId()).isEqualTo(MetaRecordDecoder.DEFAULT_DATABASE_ID);
    }

    @Test
    void fieldsPartitionsAndDatabasesDecode() throws Exception {
        FieldSchema field = FieldSchema.newBuilder().setFieldID(100).setName("id").setDataType(DataType.Int64).build();
        assertThat(MetaRecordDecoder.decode("fields/42/100", field.toByteArray()))
                .contains(new MetaChange.FieldPut(42, field));

        byte[] partition = EtcdMeta.PartitionInfo.newBuilder().setPartitionID(9).setCollectionId(42)
                .setPartitionName("p1").setState(EtcdMeta.PartitionState.PartitionCreated).build().toByteArray();
        assertThat(MetaRecordDecoder.decode("partitions/42/9", partition))
                .contains(new MetaChange.PartitionPut(new PartitionMeta(9, 42, "p1", PartitionMeta.State.CREATED)));

        byte[] db = EtcdMeta.DatabaseInfo.newBuilder().setId(7).setName("shop")
                .setState(EtcdMeta.DatabaseState.DatabaseCreated).build().toByteArray();
        assertThat(MetaRecordDecoder.decode("database/db-info/7", db))
                .contains(new MetaChange.DatabasePut(new DatabaseMeta(7, "shop")));
    }

    @Test
    void aPartitionBeingCreatedIsNeitherLiveNorDropped() throws Exception {
        for (var state : java.util.Map.of(EtcdMeta.PartitionState.PartitionCreating, PartitionMeta.State.CREATING,
                EtcdMeta.PartitionState.PartitionDropping, PartitionMeta.State.DROPPING,
                EtcdMeta.PartitionState.PartitionDropped, PartitionMeta.State.DROPPING).entrySet()) {
            byte[] partition = EtcdMeta.PartitionInfo.newBuilder().setPartitionID(9).setCollectionId(42)
                    .setPartitionName("p1").setState(state.getKey()).build().toByteArray();

            MetaChange.PartitionPut put = (MetaChange.PartitionPut) MetaRecordDecoder.decode("partitions/42/9", partition).orElseThrow();

            assertThat(put.partition().state()).as(state.getKey().toString()).isEqualTo(state.getValue());
            assertThat(put.partition().live()).isFalse();
        }
    }

    @Test
    void keysOfObjectsACdcDoesNotFollowDecodeToNothing() throws Exception {
        assertThat(MetaRecordDecoder.decode("database/aliases/1/a", new byte[] {1})).isEmpty();
        assertThat(MetaRecordDecoder.decode("credential/users/root", new byte[] {1})).isEmpty();
    }
}
