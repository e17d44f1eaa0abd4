package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.sink.PermanentTargetException;
import dev.milvuscdc.sink.RetriableTargetException;
import dev.milvuscdc.snapshot.SnapshotReadException;
import dev.milvuscdc.source.log.PositionLostException;
import dev.milvuscdc.source.log.SourceLogException;
import dev.milvuscdc.source.meta.SourceMetadataException;
import dev.milvuscdc.store.StoreException;
import dev.milvuscdc.task.FaultKind;
import org.junit.jupiter.api.Test;

class FaultsTest {

    @Test
    void eachFaultHasTheKindOfWhatItConcerns() {
        assertThat(Faults.kind(new PositionLostException("dml_0", "gone", null))).isEqualTo(FaultKind.POSITION_LOST);
        assertThat(Faults.kind(new SourceLogException("broker away", null, true))).isEqualTo(FaultKind.KAFKA);
        assertThat(Faults.kind(new PermanentTargetException("insert", "c", "refused", "fix it"))).isEqualTo(FaultKind.TARGET);
        assertThat(Faults.kind(new RetriableTargetException("insert", "c", "busy", "wait", null))).isEqualTo(FaultKind.TARGET);
        assertThat(Faults.kind(new SourceMetadataException("etcd away", null))).isEqualTo(FaultKind.ETCD);
        assertThat(Faults.kind(new SnapshotReadException("source away", null, true, false))).isEqualTo(FaultKind.SOURCE_MILVUS);
        assertThat(Faults.kind(new StoreException("down", null, true))).isEqualTo(FaultKind.TASK_STORE);
        assertThat(Faults.kind(new OutOfMemoryError())).isEqualTo(FaultKind.UNEXPECTED);
        assertThat(Faults.kind(new IllegalStateException("bug"))).isEqualTo(FaultKind.UNEXPECTED);
    }
}
