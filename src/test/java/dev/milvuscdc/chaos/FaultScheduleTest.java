package dev.milvuscdc.chaos;

import dev.milvuscdc.chaos.FaultSchedule.Fault;
import dev.milvuscdc.chaos.FaultSchedule.Kind;
import dev.milvuscdc.chaos.FaultSchedule.Step;
import java.util.List;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FaultScheduleTest {

    @Test
    void aSeedReplaysTheSameSchedule() {
        assertThat(FaultSchedule.generate(42, 50)).isEqualTo(FaultSchedule.generate(42, 50));
        assertThat(FaultSchedule.generate(42, 50).faults()).isNotEqualTo(FaultSchedule.generate(43, 50).faults());
    }

    @Test
    void aLongScheduleHasEveryKindAndOverlapsKindsButNeverOneKindWithItself() {
        List<Fault> faults = FaultSchedule.generate(7, 300).faults();

        assertThat(faults).hasSize(300).extracting(Fault::kind).contains(Kind.values());
        for (Kind kind : Kind.values()) {
            List<Fault> ofKind = faults.stream().filter(f -> f.kind() == kind).toList();
            for (int i = 1; i < ofKind.size(); i++) {
                assertThat(ofKind.get(i).at()).isGreaterThan(ofKind.get(i - 1).healedAt());
            }
        }
        boolean overlapping = false;
        for (int i = 1; i < faults.size(); i++) {
            overlapping |= faults.get(i).at().compareTo(faults.get(i - 1).healedAt()) < 0;
        }
        assertThat(overlapping).isTrue();
    }

    @Test
    void stepsInjectAndHealEveryFaultInTimeOrder() {
        FaultSchedule schedule = FaultSchedule.generate(1, 20);
        List<Step> steps = schedule.steps();

        assertThat(steps).hasSize(40);
        assertThat(steps).extracting(Step::at).isSorted();
        assertThat(steps.get(steps.size() - 1).at()).isEqualTo(schedule.span());
        for (Fault fault : schedule.faults()) {
            assertThat(steps.indexOf(new Step(fault.at(), fault, false))).isLessThan(steps.indexOf(new Step(fault.healedAt(), fault, true)));
        }
    }

    @Test
    void aScheduleWithoutAKindKeepsTheOthersAtTheirMoments() {
        FaultSchedule schedule = FaultSchedule.generate(5, 40);

        FaultSchedule withoutTarget = schedule.without(Kind.parse("target"));

        assertThat(withoutTarget.faults()).extracting(Fault::kind).doesNotContain(Kind.TARGET_OUTAGE)
                .contains(Kind.KILL_SERVER, Kind.BROKER_RESTART);
        assertThat(withoutTarget.faults()).containsExactlyElementsOf(schedule.faults().stream()
                .filter(f -> f.kind() != Kind.TARGET_OUTAGE).toList());
        assertThat(Kind.parse("server, kafka")).containsExactlyInAnyOrder(Kind.KILL_SERVER, Kind.BROKER_RESTART);
        assertThat(Kind.parse("pulsar")).containsExactly(Kind.BROKER_RESTART);
        assertThat(Kind.parse("broker,target")).containsExactlyInAnyOrder(Kind.BROKER_RESTART, Kind.TARGET_OUTAGE);
        assertThatThrownBy(() -> Kind.parse("etcd")).hasMessageContaining("unknown fault kind 'etcd'");
    }
}
