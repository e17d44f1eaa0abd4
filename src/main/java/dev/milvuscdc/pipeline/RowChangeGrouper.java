package dev.milvuscdc.pipeline;

import dev.milvuscdc.event.ChangeEvent;
import dev.milvuscdc.event.LogMessage;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Reorders a stretch of row changes (inserts and deletes, no other event among them) so that the
 * changes of one {@link RowRun} stand together and join into few target calls ({@link RowBatcher}).
 * A busy source interleaves inserts, upserts (a delete and an insert of the same keys) and deletes;
 * in log order each would cost the target a call of its own, and a replay after a target outage
 * would be no faster than the source wrote.
 *
 * <p>A change moves ahead only past changes of other rows: two changes of different collections, or
 * whose primary keys differ, leave the target the same in either order. Changes of one row keep
 * their order, and so do changes within one run. A change whose keys are unknown stays where it is
 * and nothing moves past it.
 */
public final class RowChangeGrouper {

    /** The primary keys a row change touches; empty when they cannot be told. */
    @FunctionalInterface
    public interface PrimaryKeys {
        Optional<? extends Collection<?>> of(ChangeEvent change) throws InterruptedException;
    }

    private RowChangeGrouper() {
    }

    public static List<LogMessage> group(List<LogMessage> stretch, PrimaryKeys primaryKeys) throws InterruptedException {
        List<Group> groups = new ArrayList<>();
        for (LogMessage message : stretch) {
            RowRun run = RowRun.of(message.event()).orElseThrow(
                    () -> new IllegalArgumentException("not a row change: " + message.event()));
            Optional<? extends Collection<?>> keys = primaryKeys.of(message.event());
            if (keys.isEmpty()) {
                groups.add(Group.pinned(run, message));
                continue;
            }
            Group joinable = null;
            for (int g = groups.size() - 1; g >= 0; g--) {
                Group group = groups.get(g);
                if (joinable == null && group.run.equals(run) && !group.pinned) {
                    joinable = group;
                }
                if (group.blocks(run.collectionId(), keys.get())) {
                    break;
                }
            }
            if (joinable == null) {
                joinable = new Group(run, false);
                groups.add(joinable);
            }
            joinable.add(message, keys.get());
        }
        List<LogMessage> grouped = new ArrayList<>(stretch.size());
        groups.forEach(group -> grouped.addAll(group.messages));
        return grouped;
    }

    /** Changes of one run, in their order, and the keys they touch. */
    private static final class Group {
        final RowRun run;
        final boolean pinned;
        final List<LogMessage> messages = new ArrayList<>();
        final Set<Object> keys = new HashSet<>();

        Group(RowRun run, boolean pinned) {
            this.run = run;
            this.pinned = pinned;
        }

        static Group pinned(RowRun run, LogMessage message) {
            Group group = new Group(run, true);
            group.messages.add(message);
            return group;
        }

        void add(LogMessage message, Collection<?> messageKeys) {
            messages.add(message);
            keys.addAll(messageKeys);
        }

        /** Whether a change of these keys in this collection must stay after this group. */
        boolean blocks(long collectionId, Collection<?> changeKeys) {
            return pinned || run.collectionId() == collectionId && changeKeys.stream().anyMatch(keys::contains);
        }
    }
}
