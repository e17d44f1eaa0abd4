package dev.milvuscdc.store.etcd;

import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;

/**
 * The key layout of the etcd task store: {@code <root>/task_info/<taskId>},
 * {@code <root>/task_position/<taskId>/<channel>}, {@code <root>/task_catalog/<taskId>/<key>}, and for the
 * servers sharing it {@code <root>/task_owner/<taskId>} (a hold) and {@code <root>/cdc_server/<name>} (a
 * server's presence), both attached to the server's lease. Ids are written as they are, except that
 * {@code %} and {@code /} are percent-encoded: otherwise the positions of task {@code a} would be a
 * prefix of those of task {@code a/b}, and deleting one would delete the other's.
 */
final class EtcdKeys {

    private final String root;

    EtcdKeys(String rootPath) {
        this.root = rootPath.replaceAll("/+$", "");
    }

    ByteSequence taskInfoPrefix() {
        return bytes(root + "/task_info/");
    }

    ByteSequence taskInfo(String taskId) {
        return bytes(root + "/task_info/" + segment(taskId));
    }

    ByteSequence positionsPrefix(String taskId) {
        return bytes(root + "/task_position/" + segment(taskId) + "/");
    }

    ByteSequence position(String taskId, String channel) {
        return bytes(root + "/task_position/" + segment(taskId) + "/" + segment(channel));
    }

    ByteSequence catalogPrefix(String taskId) {
        return bytes(root + "/task_catalog/" + segment(taskId) + "/");
    }

    ByteSequence catalogEntry(String taskId, String key) {
        return bytes(root + "/task_catalog/" + segment(taskId) + "/" + segment(key));
    }

    ByteSequence taskOwnerPrefix() {
        return bytes(root + "/task_owner/");
    }

    ByteSequence taskOwner(String taskId) {
        return bytes(root + "/task_owner/" + segment(taskId));
    }

    ByteSequence serverPrefix() {
        return bytes(root + "/cdc_server/");
    }

    ByteSequence server(String name) {
        return bytes(root + "/cdc_server/" + segment(name));
    }

    /** The id (catalog key, task id) an etcd key holds after {@code prefix}. */
    static String decodedAfter(String etcdKey, String prefix) {
        return etcdKey.substring(prefix.length()).replace("%2F", "/").replace("%25", "%");
    }

    private static String segment(String value) {
        return value.replace("%", "%25").replace("/", "%2F");
    }

    static ByteSequence bytes(String value) {
        return ByteSequence.from(value, StandardCharsets.UTF_8);
    }
}
