package dev.milvuscdc.control;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.rig.Rig;
import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import org.junit.jupiter.api.Test;

/**
 * What {@code create} learns of the rig's target before it stores a task: that it answers, and
 * whether it takes ReplicateMessage, as the rig says it was started (the ordinary rigs and the
 * replicate-mode rig run this).
 */
class MilvusTargetProbeIT {

    private final MilvusConnectParam target = new MilvusConnectParam(Rig.get().targetUri(), null, null, 0, null, null,
            false, null, 0, false, 10);

    @Test
    void theProbeTellsTheTargetsWriteModeAsTheRigStartedIt() throws Exception {
        MilvusTargetProbe probe = new MilvusTargetProbe();

        probe.check(target);
        assertThat(probe.replicateMode(target)).isEqualTo(Rig.get().targetReplicateMode());
    }
}
