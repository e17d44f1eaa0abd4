package dev.milvuscdc.facts;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Raw reads of the source Milvus's etcd keys, relative to {@code <rootPath>/}. */
final class SourceMetaKeys implements AutoCloseable {

    /** The value Milvus's SuffixSnapshot writes for a removed object: UTF-8 "⛼". */
    static final byte[] TOMBSTONE = {(byte) 0xE2, (byte) 0x9B, (byte) 0xBC};

    private final Client client;
    private final String root;

    SourceMetaKeys(String endpoints, String root) {
        this.client = Client.builder().endpoints(endpoints.split(",")).build();
        this.root = root + "/";
    }

    static boolean isTombstone(byte[] value) {
        return Arrays.equals(value, TOMBSTONE);
    }

    Optional<byte[]> get(String key) {
        Map<String, byte[]> found = read(key, GetOption.DEFAULT);
        return Optional.ofNullable(found.get(key));
    }

    /** Keys (relative to the root) and values under {@code prefix}, sorted by key. */
    Map<String, byte[]> prefix(String prefix) {
        return read(prefix, GetOption.builder().isPrefix(true).build());
    }

    private Map<String, byte[]> read(String key, GetOption option) {
        try {
            Map<String, byte[]> values = new TreeMap<>();
            for (KeyValue kv : client.getKVClient().get(bytes(root + key), option).get(10, TimeUnit.SECONDS).getKvs()) {
                values.put(kv.getKey().toString(StandardCharsets.UTF_8).substring(root.length()), kv.getValue().getBytes());
            }
            return values;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot read " + root + key + " from etcd", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted reading " + root + key, e);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        client.close();
    }
}
