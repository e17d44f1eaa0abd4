package dev.milvuscdc.replication;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ReplicationWorkerTest {

    private final RecordingListener listener = new RecordingListener();
    private final AtomicInteger steps = new AtomicInteger();
    private final ReplicationWorker.Loop loop = new ReplicationWorker.Loop() {
        @Override
        public String name() {
            return "counting";
        }

        @Override
        public void runOnce() throws InterruptedException {
            steps.incrementAndGet();
            Thread.sleep(5);
        }

        @Override
        public void close() {
        }
    };

    @Test
    void aWorkerStartsNoStepWhileItsServersHoldIsInDoubtAndGoesOnOnceItIsRenewed() throws Exception {
        Thread worker = ReplicationWorker.thread("t1", loop, listener);
        worker.start();
        try {
            await().atMost(Duration.ofSeconds(5)).until(() -> steps.get() > 0);

            listener.holdStands = false;
            Thread.sleep(50);
            int stopped = steps.get();
            Thread.sleep(300);
            assertThat(steps.get()).isEqualTo(stopped);

            listener.holdStands = true;
            await().atMost(Duration.ofSeconds(5)).until(() -> steps.get() > stopped);
            assertThat(listener.failed).isEmpty();
        } finally {
            worker.interrupt();
            worker.join(5_000);
        }
    }
}
