package dev.milvuscdc.replication;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import dev.milvuscdc.event.MessagePack;
import dev.milvuscdc.pipeline.PackAssembler;
import dev.milvuscdc.pipeline.PositionCommitter;
import dev.milvuscdc.source.log.KafkaChannelReader;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Replays one source channel: reads it, applies each pack in order, and reports the pack's end as
 * acknowledged once the target accepted all of it. DML channels form packs at time ticks; the
 * replicate channel has no ticks, so each of its messages is a pack of its own. Channels run in
 * parallel, each on its own thread; within a channel, order is the source's.
 */
final class ChannelWorker implements ReplicationWorker.Loop {

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(200);

    private final KafkaChannelReader reader;
    private final boolean ticked;
    private final ChangeApplier applier;
    private final PositionCommitter committer;
    private final Retrier retrier;
    private final PackAssembler assembler;
    /** Told of the message up to whose timestamp the target now holds this channel's changes. */
    private final Consumer<ChannelPosition> applied;

    /** @param start the position the reader stands on */
    ChannelWorker(KafkaChannelReader reader, ChannelPosition start, boolean ticked, ChangeApplier applier,
            PositionCommitter committer, Retrier retrier, Consumer<ChannelPosition> applied) {
        this.reader = reader;
        this.assembler = new PackAssembler(start);
        this.ticked = ticked;
        this.applier = applier;
        this.committer = committer;
        this.retrier = retrier;
        this.applied = applied;
    }

    @Override
    public String name() {
        return reader.channel();
    }

    @Override
    public void runOnce() throws InterruptedException {
        List<LogMessage> messages = retrier.call("read channel " + reader.channel(), () -> reader.poll(POLL_TIMEOUT));
        for (LogMessage message : messages) {
            Optional<MessagePack> pack = ticked
                    ? assembler.add(message)
                    : Optional.of(new MessagePack(List.of(message), message.position()));
            if (pack.isPresent()) {
                applier.apply(pack.get());
                committer.acknowledged(pack.get().end());
                applied.accept(message.position());
            }
        }
    }

    @Override
    public void close() {
        reader.close();
    }
}
