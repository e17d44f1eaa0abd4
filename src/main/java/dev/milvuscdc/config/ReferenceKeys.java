package dev.milvuscdc.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Keys of the reference server's {@code cdc.yaml} that this server reads in its own way: the 1.x
 * names of keys that 2.x moved, and keys it reads so that reference files load but that change
 * nothing here. Both kinds are reported once at start. To give a key an effect, remove it from
 * {@link #WITHOUT_EFFECT} and read it in its section's record; to declare one, add it with the reason.
 */
final class ReferenceKeys {

    private ReferenceKeys() {
    }

    /** The reference 1.x name of a key, and the name it is read under. */
    static final Map<String, String> ALIASES = ordered(
            "sourceConfig.etcdAddress", "sourceConfig.etcd.address",
            "sourceConfig.etcdRootPath", "sourceConfig.etcd.rootPath",
            "sourceConfig.etcdMetaSubPath", "sourceConfig.etcd.metaSubPath",
            "metaStoreConfig.etcdEndpoints", "metaStoreConfig.etcd.address");

    /** A key (or {@code section.*}, every key under it) and why it has no effect. */
    static final Map<String, String> WITHOUT_EFFECT = ordered(
            "packer.*", "positions are written at most once a second, after the target acknowledged them",
            "retry.retryTimes", "a retriable fault is retried for as long as it lasts",
            "sourceConfig.readChanLen", "the engine sizes its own buffers",
            "sourceConfig.channelNum", "the channels read are those the source's etcd records for the task's collections",
            "sourceConfig.timeTickInterval", "the target is written through its ordinary API and gets no time ticks",
            "batchMode", "the source log is always read as fast as the target takes it",
            "sourceConfig.kafka.producer.*", "this server never writes to the source's Kafka",
            "sourceConfig.pulsar.maxMessageSize", "a reader takes the messages the broker holds, whatever their size",
            "detectDeadLock", "a lock-debugging switch of the reference's Go code",
            "enableReverse", "unused by the reference too",
            "reverseMilvus.*", "unused by the reference too",
            "currentMilvus.*", "unused by the reference too",
            "metaStoreConfig.etcd.rootPath", "the etcd task store keeps everything under metaStoreConfig.rootPath");

    private static Map<String, String> ordered(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
