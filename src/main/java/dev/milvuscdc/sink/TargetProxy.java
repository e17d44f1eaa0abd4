package dev.milvuscdc.sink;

import io.milvus.grpc.ComponentStates;
import io.milvus.grpc.GetComponentStatesRequest;
import java.util.Optional;

/**
 * Tells the node id of the target's proxy, which Milvus renews at every start of that process. The
 * proxy answers this itself: unlike a metrics request, which its data coordinator passes on to every
 * data node, it is safe to ask a target that has just started (docs/rig.md: a 2.3.5 target crashed on
 * a metrics request 3 s after a restart).
 */
final class TargetProxy {

    /** What a Milvus component reports before its session is registered. */
    private static final long NOT_REGISTERED = -1;

    private final TargetCalls calls;

    TargetProxy(TargetCalls calls) {
        this.calls = calls;
    }

    Optional<Long> nodeId() {
        ComponentStates states = calls.call("ask the state of", "the target", DdlApplier.DEFAULT_DB,
                s -> s.getComponentStates(GetComponentStatesRequest.getDefaultInstance()), ComponentStates::getStatus);
        long id = states.getState().getNodeID();
        return id == NOT_REGISTERED || id == 0 ? Optional.empty() : Optional.of(id);
    }
}
