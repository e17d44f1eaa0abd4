package dev.milvuscdc.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A timeline of faults drawn from a seed, so that a failing run can be replayed: the same seed and
 * length give the same faults at the same planned moments. Faults start a few seconds apart, each
 * lasts a random while, and faults of different kinds may overlap (a {@code kill -9} during a target
 * outage); two faults of one kind never do, since a component that is down cannot go down again.
 */
record FaultSchedule(long seed, List<Fault> faults) {

    /** What goes wrong, and how long it lasts at least and at most before it is healed. */
    enum Kind {
        KILL_SERVER("server", "kill -9 the CDC server", "restart the CDC server", 0, 8_000),
        TARGET_OUTAGE("target", "stop the target Milvus", "start the target Milvus", 5_000, 25_000),
        BROKER_RESTART("broker", "stop the source's broker", "start the source's broker", 3_000, 15_000);

        /**
         * The name {@code scripts/chaos --without} knows the kind by; the broker is also known by the
         * name of the queue it runs ({@code kafka}, {@code pulsar}), so that older commands still work.
         */
        final String shortName;
        final String inject;
        final String heal;
        private final int minMillis;
        private final int maxMillis;

        Kind(String shortName, String inject, String heal, int minMillis, int maxMillis) {
            this.shortName = shortName;
            this.inject = inject;
            this.heal = heal;
            this.minMillis = minMillis;
            this.maxMillis = maxMillis;
        }

        private static final Set<String> BROKER_ALIASES = Set.of("kafka", "pulsar");

        /** The kinds named in a comma-separated list of short names; an unknown name is refused. */
        static Set<Kind> parse(String shortNames) {
            Set<Kind> kinds = EnumSet.noneOf(Kind.class);
            for (String name : shortNames.split(",")) {
                if (name.isBlank()) {
                    continue;
                }
                String known = BROKER_ALIASES.contains(name.strip()) ? BROKER_RESTART.shortName : name.strip();
                kinds.add(Arrays.stream(values()).filter(k -> k.shortName.equals(known)).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("unknown fault kind '" + name.strip()
                                + "'; known: server, target, broker (or kafka, pulsar)")));
            }
            return kinds;
        }
    }

    /** One fault: injected {@code at} after the schedule starts, healed {@code lasting} later. */
    record Fault(Kind kind, Duration at, Duration lasting) {
        Duration healedAt() {
            return at.plus(lasting);
        }
    }

    /** One moment of the timeline: a fault is injected or healed. */
    record Step(Duration at, Fault fault, boolean heal) {
        @Override
        public String toString() {
            return "t+%5.1fs %s".formatted(at.toMillis() / 1000.0, heal ? fault.kind().heal : fault.kind().inject);
        }
    }

    private static final int MIN_GAP_MILLIS = 3_000;
    private static final int MAX_GAP_MILLIS = 12_000;
    /** A component healed a moment ago is left up this long before the next fault of its kind. */
    private static final Duration REST = Duration.ofSeconds(2);

    static FaultSchedule generate(long seed, int count) {
        Random random = new Random(seed);
        Kind[] kinds = Kind.values();
        Map<Kind, Duration> healed = new EnumMap<>(Kind.class);
        List<Fault> faults = new ArrayList<>();
        Duration clock = Duration.ZERO;
        for (int i = 0; i < count; i++) {
            // Half of the faults are kills: they are the cheapest and hit the engine's restart path.
            Kind kind = random.nextBoolean() ? Kind.KILL_SERVER : kinds[1 + random.nextInt(kinds.length - 1)];
            clock = clock.plusMillis(between(random, MIN_GAP_MILLIS, MAX_GAP_MILLIS));
            Duration free = healed.getOrDefault(kind, Duration.ZERO).plus(REST);
            Duration at = clock.compareTo(free) >= 0 ? clock : free;
            Fault fault = new Fault(kind, at, Duration.ofMillis(between(random, kind.minMillis, kind.maxMillis)));
            faults.add(fault);
            healed.put(kind, fault.healedAt());
            clock = at;
        }
        return new FaultSchedule(seed, List.copyOf(faults));
    }

    /**
     * The same schedule with the faults of some kinds left out and the others at their moments: a
     * failing seed replayed without, say, target outages tells whether they are needed to fail.
     */
    FaultSchedule without(Set<Kind> kinds) {
        return new FaultSchedule(seed, faults.stream().filter(f -> !kinds.contains(f.kind())).toList());
    }

    /** Every injection and healing in the order of their planned moments. */
    List<Step> steps() {
        List<Step> steps = new ArrayList<>();
        for (Fault fault : faults) {
            steps.add(new Step(fault.at(), fault, false));
            steps.add(new Step(fault.healedAt(), fault, true));
        }
        steps.sort(Comparator.comparing(Step::at));
        return steps;
    }

    /** When the last fault is planned to be healed. */
    Duration span() {
        return faults.stream().map(Fault::healedAt).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
    }

    String describe() {
        StringBuilder text = new StringBuilder("fault schedule of seed %d: %d faults over %d s planned%n"
                .formatted(seed, faults.size(), span().toSeconds()));
        steps().forEach(step -> text.append("  ").append(step).append(System.lineSeparator()));
        return text.toString();
    }

    private static int between(Random random, int min, int max) {
        return min + random.nextInt(max - min + 1);
    }
}
