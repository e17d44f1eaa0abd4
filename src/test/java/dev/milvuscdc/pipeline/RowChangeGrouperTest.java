package dev.milvuscdc.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.ChannelPosition;
import dev.milvuscdc.event.LogMessage;
import io.milvus.grpc.IDs;
import io.milvus.grpc.LongArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RowChangeGrouperTest {

    private static final long COLLECTION = 7;
    private static final long OTHER_COLLECTION = 8;

    /** The keys of each insert, as the applier reads them from its primary key column. */
    private final Map<ChangeEvent, List<Long>> insertKeys = new IdentityHashMap<>();
    private final Set<ChangeEvent> unknownKeys = Collections.newSetFromMap(new IdentityHashMap<>());
    private long clock;

    @Test
    void interleavedChangesOfDifferentRowsStandTogetherByKindAndPartition() throws Exception {
        List<LogMessage> log = List.of(insert(COLLECTION, 1, 1, 2), delete(COLLECTION, 1, 10), insert(COLLECTION, 1, 3),
                delete(COLLECTION, 1, 11), insert(COLLECTION, 2, 4), insert(COLLECTION, 1, 5));

        List<LogMessage> grouped = group(log);

        assertThat(grouped).containsExactly(log.get(0), log.get(2), log.get(5), log.get(1), log.get(3), log.get(4));
    }

    @Test
    void changesOfOneRowKeepTheirOrder() throws Exception {
        // An upsert of key 2 (a delete and an insert) between inserts of other keys.
        List<LogMessage> log = List.of(insert(COLLECTION, 1, 1), delete(COLLECTION, 1, 2), insert(COLLECTION, 1, 2),
                insert(COLLECTION, 1, 3), delete(COLLECTION, 1, 3));

        List<LogMessage> grouped = group(log);

        assertThat(grouped).containsExactly(log.get(0), log.get(1), log.get(2), log.get(3), log.get(4));
    }

    @Test
    void theSameKeyInAnotherCollectionDoesNotHoldAChangeBack() throws Exception {
        List<LogMessage> log = List.of(insert(COLLECTION, 1, 1), delete(OTHER_COLLECTION, 1, 2), insert(COLLECTION, 1, 2));

        assertThat(group(log)).containsExactly(log.get(0), log.get(2), log.get(1));
    }

    @Test
    void aChangeOfUnknownKeysStaysWhereItIsAndNothingPassesIt() throws Exception {
        LogMessage unknown = insert(OTHER_COLLECTION, 1, 9);
        unknownKeys.add(unknown.event());
        List<LogMessage> log = List.of(insert(COLLECTION, 1, 1), unknown, insert(COLLECTION, 1, 2));

        assertThat(group(log)).containsExactly(log.get(0), log.get(1), log.get(2));
    }

    /**
     * Random streams over a few keys, two partitions and deletes from one or every partition end the
     * same, applied grouped or in log order, and the grouping joins runs.
     */
    @Test
    void groupedChangesLeaveTheTargetAsTheLogOrderDoes() throws Exception {
        Random random = new Random(20261202);
        int runsBefore = 0;
        int runsAfter = 0;
        for (int stream = 0; stream < 500; stream++) {
            List<LogMessage> log = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                long partition = 1 + random.nextInt(2);
                long[] keys = random.ints(1 + random.nextInt(3), 0, 12).asLongStream().toArray();
                log.add(switch (random.nextInt(3)) {
                    case 0 -> insert(COLLECTION, partition, keys);
                    case 1 -> delete(COLLECTION, partition, keys);
                    default -> delete(COLLECTION, ChangeEvent.Delete.ALL_PARTITIONS, keys);
                });
            }
            List<LogMessage> grouped = group(log);

            assertThat(grouped).containsExactlyInAnyOrderElementsOf(log);
            assertThat(applied(grouped)).as("stream %d", stream).isEqualTo(applied(log));
            runsBefore += runs(log);
            runsAfter += runs(grouped);
        }
        assertThat(runsAfter).isLessThan(runsBefore);
    }

    private List<LogMessage> group(List<LogMessage> log) throws InterruptedException {
        return RowChangeGrouper.group(log, change -> unknownKeys.contains(change) ? Optional.empty()
                : Optional.of(change instanceof ChangeEvent.Delete delete
                        ? delete.primaryKeys().getIntId().getDataList() : insertKeys.get(change)));
    }

    /** The rows a target holds after the changes, as {@code partition:key:timestamp} (a multiset: inserts may repeat keys). */
    private List<String> applied(List<LogMessage> changes) {
        List<long[]> rows = new ArrayList<>();
        for (LogMessage message : changes) {
            if (message.event() instanceof ChangeEvent.Insert insert) {
                insertKeys.get(insert).forEach(key -> rows.add(new long[] {insert.partitionId(), key, insert.timestamp()}));
            } else {
                ChangeEvent.Delete delete = (ChangeEvent.Delete) message.event();
                Set<Long> keys = new HashSet<>(delete.primaryKeys().getIntId().getDataList());
                rows.removeIf(row -> keys.contains(row[1])
                        && (delete.partitionId() == ChangeEvent.Delete.ALL_PARTITIONS || delete.partitionId() == row[0]));
            }
        }
        return rows.stream().map(row -> row[0] + ":" + row[1] + ":" + row[2]).sorted().toList();
    }

    private static int runs(List<LogMessage> changes) {
        int runs = 0;
        Optional<RowRun> previous = Optional.empty();
        for (LogMessage message : changes) {
            Optional<RowRun> run = RowRun.of(message.event());
            runs += run.equals(previous) ? 0 : 1;
            previous = run;
        }
        return runs;
    }

    private LogMessage insert(long collection, long partition, long... keys) {
        ChangeEvent.Insert insert = new ChangeEvent.Insert(collection, partition, "p" + partition, keys.length, ++clock, List.of());
        insertKeys.put(insert, Arrays.stream(keys).boxed().toList());
        return message(insert);
    }

    private LogMessage delete(long collection, long partition, long... keys) {
        IDs ids = IDs.newBuilder().setIntId(LongArray.newBuilder().addAllData(Arrays.stream(keys).boxed().toList())).build();
        String name = partition == ChangeEvent.Delete.ALL_PARTITIONS ? "" : "p" + partition;
        return message(new ChangeEvent.Delete(collection, partition, name, ids, ++clock));
    }

    private LogMessage message(ChangeEvent event) {
        return new LogMessage(new ChannelPosition("dml_0", String.valueOf(clock), clock), event);
    }
}
