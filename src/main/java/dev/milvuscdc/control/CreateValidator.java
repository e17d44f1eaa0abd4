package dev.milvuscdc.control;

import static dev.milvuscdc.control.TaskRequestException.client;

import dev.milvuscdc.task.CollectionPattern;
import dev.milvuscdc.task.TaskScope;
import dev.milvuscdc.task.TaskSpec.CollectionInfo;
import dev.milvuscdc.task.TaskSpec.MilvusConnectParam;
import dev.milvuscdc.task.TaskSpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The checks of a {@code create} request that need nothing but the request itself, in the
 * reference's order and with its messages. Differences: several named collections per task and
 * per database are allowed; a Kafka downstream is refused as unsupported, and so is, after the
 * reference's own checks, any other value that would ask for something this server does not do.
 */
final class CreateValidator {

    private static final Pattern TASK_ID = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern VIRTUAL_CHANNEL = Pattern.compile("^(.*)_(\\d+)v(\\d+)$");
    private static final String KAFKA_DOWNSTREAM = "the kafka downstream (kafka_connect_param) is not supported by "
            + "this server, replicate to a Milvus with milvus_connect_param";

    private final TaskLimits limits;

    CreateValidator(TaskLimits limits) {
        this.limits = limits;
    }

    void validate(TaskSpec spec) {
        checkDownstream(spec);
        checkBufferConfig(spec);
        checkScope(spec);
        checkRpcChannel(spec);
        checkNameMapping(spec);
        checkTaskId(spec.taskId());
        checkSupported(spec);
        checkSnapshot(spec);
        checkWriteMode(spec);
    }

    /**
     * {@code snapshot}: {@code never} (the default) or {@code initial}. An initial copy starts the
     * stream where the copy began, so it cannot be combined with positions given for the start.
     */
    private void checkSnapshot(TaskSpec spec) {
        String snapshot = spec.snapshot();
        if (snapshot == null || snapshot.equals(TaskSpec.SNAPSHOT_NEVER)) {
            return;
        }
        if (!snapshot.equals(TaskSpec.SNAPSHOT_INITIAL)) {
            throw client("the snapshot is invalid, it can be \"initial\" (copy the existing rows, then stream) or "
                    + "\"never\" (stream only, the default), snapshot: " + snapshot);
        }
        if (!limits.snapshotSource()) {
            throw client("snapshot \"initial\" reads the existing rows from the source Milvus, whose address this "
                    + "server does not know: set sourceConfig.milvus.uri (and .token) in its configuration");
        }
        boolean positionsGiven = namedCollections(spec).stream()
                .anyMatch(info -> (info.positions() != null && !info.positions().isEmpty()) || info.useStartPosition());
        boolean rpcPositionGiven = spec.rpcChannelInfo() != null && !isEmpty(spec.rpcChannelInfo().position());
        if (positionsGiven || rpcPositionGiven) {
            throw client("snapshot \"initial\" starts the stream where the copy begins: it cannot be combined with "
                    + "positions, use_start_position or rpc_channel_info.position; leave those out or the snapshot");
        }
    }

    /**
     * {@code write_mode}: {@code api} (the default) or {@code replicate}. The initial copy writes rows
     * through the ordinary API, which a target in replicate mode refuses.
     */
    private static void checkWriteMode(TaskSpec spec) {
        String writeMode = spec.writeMode();
        if (writeMode == null || writeMode.equals(TaskSpec.WRITE_MODE_API)) {
            return;
        }
        if (!writeMode.equals(TaskSpec.WRITE_MODE_REPLICATE)) {
            throw client("the write_mode is invalid, it can be \"api\" (the target's ordinary insert, upsert and "
                    + "delete, the default) or \"replicate\" (the source's messages through the target's "
                    + "ReplicateMessage, into a target with common.ttMsgEnabled=false), write_mode: " + writeMode);
        }
        if (spec.snapshotInitial()) {
            throw client("write_mode \"replicate\" cannot be combined with snapshot \"initial\": the copy writes rows "
                    + "through the ordinary API, which a target in replicate mode refuses; leave one of them out");
        }
    }

    private static List<CollectionInfo> namedCollections(TaskSpec spec) {
        List<CollectionInfo> all = new ArrayList<>();
        if (spec.collectionInfos() != null) {
            all.addAll(spec.collectionInfos());
        }
        if (spec.dbCollections() != null) {
            spec.dbCollections().values().stream().filter(Objects::nonNull).forEach(all::addAll);
        }
        return all;
    }

    /**
     * Refused rather than ignored: an operator who sets them expects an effect. Their defaults,
     * which reference scripts send, are accepted. Any {@code channel_num} is accepted: this server
     * writes through the target's ordinary API, where the target spreads rows over its own channels.
     */
    private static void checkSupported(TaskSpec spec) {
        if (spec.kafkaConnectParam() != null && !spec.kafkaConnectParam().isUnset()) {
            throw client(KAFKA_DOWNSTREAM);
        }
        MilvusConnectParam milvus = spec.milvusConnectParam();
        if (milvus.channelNum() < 0) {
            throw client("the milvus channel num is less zero");
        }
        if (milvus.ignorePartition()) {
            throw client("ignore_partition is not supported: partitions are always created and dropped on the "
                    + "target; create the task with ignore_partition false");
        }
        if (spec.bufferConfig() != null && (spec.bufferConfig().period() > 0 || spec.bufferConfig().size() > 0)) {
            throw client("buffer_config is not supported: changes are applied as they are read, without a buffer "
                    + "of this period or size; send period and size 0, or no buffer_config");
        }
        if (spec.extraInfo() != null && spec.extraInfo().enableUserRole()) {
            throw client("extra_info.enable_user_role is not supported: users, roles and grants are not replicated; "
                    + "create the task with enable_user_role false");
        }
    }

    /** Ids become store keys (etcd paths, SQL keys): plain characters and a bounded length only. */
    private void checkTaskId(String taskId) {
        if (taskId != null && !taskId.isEmpty()
                && (taskId.length() > limits.maxNameLength() || !TASK_ID.matcher(taskId).matches())) {
            throw client("the task_id is invalid, use at most " + limits.maxNameLength()
                    + " letters, digits, '-', '_' or '.', task_id: " + taskId);
        }
    }

    private static void checkDownstream(TaskSpec spec) {
        MilvusConnectParam milvus = spec.milvusConnectParam();
        boolean noMilvus = milvus == null || milvus.isEmpty();
        boolean noKafka = spec.kafkaConnectParam() == null || spec.kafkaConnectParam().isEmpty();
        if (noMilvus && noKafka) {
            throw client("the downstream address is empty");
        }
        if (!noMilvus && !noKafka) {
            throw client("don't support milvus and kafka at the same time now");
        }
        if (noMilvus) {
            throw client(KAFKA_DOWNSTREAM);
        }
        if (isEmpty(milvus.uri())) {
            if (isEmpty(milvus.host())) {
                throw client("the milvus host is empty");
            }
            if (milvus.port() <= 0) {
                throw client("the milvus port is less or equal zero");
            }
        }
        if (isEmpty(milvus.username()) != isEmpty(milvus.password())) {
            throw client("cannot set only one of the milvus username and password");
        }
        if (milvus.uriHasCredentials() && (!isEmpty(milvus.token()) || !isEmpty(milvus.username()))) {
            throw client("the milvus credentials are given twice, in the uri and in the token or username: keep one");
        }
        if (milvus.connectTimeout() < 0) {
            throw client("the milvus connect timeout is less zero");
        }
    }

    private static void checkBufferConfig(TaskSpec spec) {
        if (spec.bufferConfig() == null) {
            return;
        }
        if (spec.bufferConfig().period() < 0) {
            throw client("the cache period is less zero");
        }
        if (spec.bufferConfig().size() < 0) {
            throw client("the cache size is less zero");
        }
    }

    private void checkScope(TaskSpec spec) {
        boolean noInfos = spec.collectionInfos() == null || spec.collectionInfos().isEmpty();
        boolean noDbs = spec.dbCollections() == null || spec.dbCollections().isEmpty();
        if (noInfos && noDbs) {
            throw client("the collection info is empty");
        }
        if (!noInfos && !noDbs) {
            throw client("the collection info and db collection info should be only one");
        }
        if (!noDbs) {
            for (Map.Entry<String, List<CollectionInfo>> db : spec.dbCollections().entrySet()) {
                checkDatabase(db.getKey(), db.getValue());
            }
        }
        List<CollectionInfo> all = new ArrayList<>(noInfos ? List.of() : spec.collectionInfos());
        if (!noDbs) {
            spec.dbCollections().values().forEach(all::addAll);
        }
        if (all.stream().anyMatch(info -> info == null)) {
            throw client("there is a collection info that is null");
        }
        if (!noInfos) {
            checkWildcardAlone(spec.collectionInfos(), TaskScope.DEFAULT_DB);
        }
        all.forEach(CreateValidator::checkPositions);
        checkNames(all);
        Set<CollectionPattern> seen = new HashSet<>();
        List<CollectionPattern> twice = TaskScope.of(spec).stream().filter(p -> !seen.add(p)).toList();
        if (!twice.isEmpty()) {
            throw client("the same collection is named twice in the request, " + goList(twice));
        }
    }

    private void checkDatabase(String db, List<CollectionInfo> infos) {
        if (db.isEmpty()) {
            throw client("the db name is empty");
        }
        if (db.length() > limits.maxNameLength()) {
            throw client("the db name length exceeds " + limits.maxNameLength() + " characters, " + db);
        }
        if (infos == null || infos.isEmpty()) {
            throw client("empty collection info");
        }
        checkWildcardAlone(infos, db);
    }

    private static void checkWildcardAlone(List<CollectionInfo> infos, String db) {
        boolean hasWildcard = infos.stream().anyMatch(i -> i != null && CollectionPattern.ANY.equals(i.name()));
        if (hasWildcard && infos.size() > 1) {
            throw client("the collection name `*` must be the only collection of its database, db: " + db);
        }
    }

    private static void checkPositions(CollectionInfo info) {
        Map<String, String> positions = info.positions();
        if (positions == null || positions.isEmpty()) {
            return;
        }
        if (CollectionPattern.ANY.equals(info.name())) {
            throw client("the collection name is `*`, the positions should be empty");
        }
        for (Map.Entry<String, String> position : positions.entrySet()) {
            String channel = position.getKey();
            if (!channel.substring(channel.lastIndexOf('_') + 1).contains("v")) {
                throw client("the position channel name is not virtual channel, " + channel);
            }
            if (!VIRTUAL_CHANNEL.matcher(channel).matches()) {
                throw client("the vchannel is invalid, " + channel + ", err: expected <channel>_<collectionID>v<shard>");
            }
            try {
                Base64.getDecoder().decode(position.getValue() == null ? "" : position.getValue());
            } catch (IllegalArgumentException e) {
                throw TaskRequestException.server("fail to decode the position data: " + e.getMessage());
            }
        }
    }

    private void checkNames(List<CollectionInfo> infos) {
        StringBuilder problems = new StringBuilder();
        if (infos.stream().anyMatch(info -> isEmpty(info.name()))) {
            problems.append("there is a collection name that is empty. ");
        }
        List<String> tooLong = infos.stream().map(CollectionInfo::name)
                .filter(name -> name != null && name.length() > limits.maxNameLength()).toList();
        if (!tooLong.isEmpty()) {
            problems.append("there are some collection names whose length exceeds ").append(limits.maxNameLength())
                    .append(" characters, ").append(goList(tooLong));
        }
        if (!problems.isEmpty()) {
            throw client(problems.toString());
        }
    }

    private void checkRpcChannel(TaskSpec spec) {
        if (spec.rpcChannelInfo() != null && !isEmpty(spec.rpcChannelInfo().name())
                && !spec.rpcChannelInfo().name().equals(limits.replicateChannel())) {
            throw client("the rpc channel is invalid, the channel name should be the same as the source config");
        }
    }

    private static void checkNameMapping(TaskSpec spec) {
        if (spec.nameMapping() == null) {
            return;
        }
        List<CollectionPattern> scope = TaskScope.of(spec);
        for (TaskSpec.NameMapping mapping : spec.nameMapping()) {
            List<CollectionPattern> sources = mapping.collectionMapping() == null || mapping.collectionMapping().isEmpty()
                    ? List.of(new CollectionPattern(String.valueOf(mapping.sourceDb()), CollectionPattern.ANY))
                    : mapping.collectionMapping().keySet().stream()
                            .map(c -> new CollectionPattern(String.valueOf(mapping.sourceDb()), c)).toList();
            if (!sources.stream().allMatch(s -> scope.stream().anyMatch(s::coveredBy))) {
                throw client("the collection name in the name mapping is not in the collection info, checkout it");
            }
        }
        if (!spec.nameMapping().isEmpty()) {
            // Refused rather than ignored: a task that wrote under the source's names would surprise its owner.
            throw client("name_mapping is not supported yet: the target would get the source's names; "
                    + "create the task without it");
        }
    }

    /** A list printed the way Go's {@code %v} prints a slice, as the reference's messages do. */
    static String goList(List<?> items) {
        Set<String> seen = new LinkedHashSet<>();
        items.forEach(item -> seen.add(String.valueOf(item)));
        return "[" + String.join(" ", seen) + "]";
    }

    private static boolean isEmpty(String text) {
        return text == null || text.isEmpty();
    }
}
