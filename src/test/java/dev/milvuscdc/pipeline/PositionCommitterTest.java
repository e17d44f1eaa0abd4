package dev.milvuscdc.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.milvuscdc.event.ChannelPosition;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class PositionCommitterTest {

    private final List<List<ChannelPosition>> written = new ArrayList<>();
    private boolean failNext;

    private final PositionCommitter committer = new PositionCommitter(
            Map.of("a", new ChannelPosition("a", "stored", 1)), this::write);

    @Test
    void startsFromTheStoredPositionsAndWritesNothingUntilSomethingIsAcknowledged() {
        committer.flush();

        assertThat(written).isEmpty();
        assertThat(committer.positions()).containsOnlyKeys("a");
    }

    @Test
    void aRewindWritesTheOlderPositionsAndAFreezeKeepsLaterOnesFromTheStore() {
        committer.acknowledged(new ChannelPosition("a", "9", 90));
        committer.flush();

        committer.freeze();
        committer.rewindTo(List.of(new ChannelPosition("a", "stored", 1)));
        committer.acknowledged(new ChannelPosition("a", "10", 100));
        committer.flush();

        assertThat(written).hasSize(2);
        assertThat(written.get(1)).extracting(ChannelPosition::messageId).containsExactly("stored");
        assertThat(committer.positions().get("a").messageId()).isEqualTo("10");
    }

    @Test
    void writesOnlyTheLatestAcknowledgedPositionPerChannel() {
        committer.acknowledged(new ChannelPosition("a", "1", 10));
        committer.acknowledged(new ChannelPosition("a", "2", 20));
        committer.acknowledged(new ChannelPosition("b", "5", 15));

        committer.flush();
        committer.flush();

        assertThat(written).hasSize(1);
        assertThat(written.get(0)).extracting(ChannelPosition::messageId).containsExactlyInAnyOrder("2", "5");
        assertThat(committer.positions().get("a").messageId()).isEqualTo("2");
    }

    @Test
    void aFailedWriteIsRetriedOnTheNextFlushWithoutLosingNewerPositions() {
        committer.acknowledged(new ChannelPosition("a", "1", 10));
        committer.acknowledged(new ChannelPosition("b", "7", 10));
        failNext = true;
        assertThatThrownBy(committer::flush).isInstanceOf(IllegalStateException.class);

        committer.acknowledged(new ChannelPosition("a", "3", 30));
        committer.flush();

        assertThat(written).hasSize(1);
        assertThat(written.get(0)).extracting(ChannelPosition::messageId).containsExactlyInAnyOrder("3", "7");
    }

    @Test
    void concurrentFlushesNeverMoveAStoredPositionBackwards() throws Exception {
        Map<String, Long> stored = new ConcurrentHashMap<>();
        List<String> backwards = new CopyOnWriteArrayList<>();
        PositionCommitter slowStore = new PositionCommitter(Map.of(), batch -> {
            for (ChannelPosition p : batch) {
                sleepUpTo(2);
                long offset = Long.parseLong(p.messageId());
                Long before = stored.put(p.channel(), offset);
                if (before != null && before > offset) {
                    backwards.add(p.channel() + ": " + before + " -> " + offset);
                }
            }
        });
        ExecutorService threads = Executors.newFixedThreadPool(4);
        AtomicBoolean acking = new AtomicBoolean(true);
        List<Future<?>> work = new ArrayList<>();
        for (String channel : List.of("a", "b")) {
            work.add(threads.submit(() -> {
                for (long offset = 1; offset <= 2_000; offset++) {
                    slowStore.acknowledged(new ChannelPosition(channel, Long.toString(offset), offset));
                }
            }));
        }
        for (int flusher = 0; flusher < 2; flusher++) {
            threads.submit(() -> {
                while (acking.get()) {
                    slowStore.flush();
                }
            });
        }
        for (Future<?> each : work) {
            each.get(60, TimeUnit.SECONDS);
        }
        acking.set(false);
        threads.shutdown();
        assertThat(threads.awaitTermination(60, TimeUnit.SECONDS)).isTrue();
        slowStore.flush();

        assertThat(backwards).isEmpty();
        assertThat(stored).containsEntry("a", 2_000L).containsEntry("b", 2_000L);
    }

    private static void sleepUpTo(int millis) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(millis + 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void write(Collection<ChannelPosition> positions) {
        if (failNext) {
            failNext = false;
            throw new IllegalStateException("store down");
        }
        written.add(List.copyOf(positions));
    }
}
