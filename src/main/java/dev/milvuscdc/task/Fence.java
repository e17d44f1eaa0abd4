package dev.milvuscdc.task;

/**
 * One server's hold on one task ({@link TaskLeases}): the holder's name and the token of this hold.
 * The token grows every time the task changes holder or a holder takes it again after losing it,
 * so two holds of one task never carry the same token.
 */
public record Fence(String taskId, String holder, long token) {

    @Override
    public String toString() {
        return "hold " + token + " of task " + taskId + " by server " + holder;
    }
}
