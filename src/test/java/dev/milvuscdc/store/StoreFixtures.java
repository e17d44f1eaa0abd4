package dev.milvuscdc.store;

import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.task.TaskRecord;
import dev.milvuscdc.task.TaskSpec;
import dev.milvuscdc.task.TaskSpec.CollectionInfo;
import dev.milvuscdc.task.TaskState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Tasks, positions and threads for the store tests. */
final class StoreFixtures {

    private StoreFixtures() {
    }

    static TaskRecord task(String id, TaskState state, String reason) {
        return new TaskRecord(id, spec("coll_" + Math.abs(id.hashCode())), state, reason);
    }

    static ChannelPosition position(String channel, String messageId, long timestamp) {
        return new ChannelPosition(channel, messageId, timestamp);
    }

    static TaskSpec spec(String collection) {
        return new TaskSpec(
                new TaskSpec.MilvusConnectParam("http://127.0.0.1:19540", null, null, 0, null, null, false, null, 0,
                        false, 10),
                null, List.of(new CollectionInfo(collection, null, false)), null, null, null, null, null, false,
                null);
    }

    /** Every field of the spec set, secrets included. */
    static TaskSpec fullSpec() {
        return new TaskSpec(
                new TaskSpec.MilvusConnectParam("https://target:19530", "root:Milvus", "target", 19530, "root",
                        "Milvus", true,
                        new TaskSpec.DialConfig("target.local", "/tls/server.pem", "/tls/ca.pem", "/tls/client.pem",
                                "/tls/client.key"),
                        4, true, 15),
                new TaskSpec.KafkaConnectParam("127.0.0.1:9092", "cdc-out", true,
                        new TaskSpec.Sasl("sasl-user", "sasl-secret", "PLAIN", "SASL_SSL")),
                List.of(new CollectionInfo("*", Map.of("by-dev-rootcoord-dml_0_1v0", "base64pos"), true)),
                Map.of("db1", List.of(new CollectionInfo("c1", null, false))),
                new TaskSpec.RpcChannelInfo("by-dev-replicate-msg", "cG9z"),
                new TaskSpec.ExtraInfo(true),
                List.of(new TaskSpec.NameMapping("db1", "db2", Map.of("c1", "c2"))),
                new TaskSpec.BufferConfig(5, 1024),
                true,
                "t1");
    }

    /** Runs {@code body} on {@code threads} threads released at once; rethrows the first failure. */
    static void runConcurrently(int threads, ThreadBody body) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> results = IntStream.range(0, threads)
                    .mapToObj(thread -> pool.submit(() -> {
                        start.await();
                        body.run(thread);
                        return null;
                    }))
                    .collect(Collectors.toList());
            start.countDown();
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    interface ThreadBody {
        void run(int thread) throws Exception;
    }
}
