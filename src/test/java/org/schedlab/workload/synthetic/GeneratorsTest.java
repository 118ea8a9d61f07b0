package org.schedlab.workload.synthetic;

import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class GeneratorsTest {
    static final String[] NAMES = {"hackbench", "schbench", "tbench", "netperf-rr", "stream", "kernel-build", "oltp",
            "spec-rate", "inference"};

    @Test
    void everyBenchmarkIsRegisteredAndBuildsWithDefaults() {
        assertThat(Workloads.names()).contains(NAMES).contains("ai-inference");
        for (String name : NAMES) {
            WorkloadSpec w = Workloads.parse(name);
            assertThat(w.headline).as(name).isNotNull();
            assertThat(w.params).as(name).isEmpty();
            assertThat(w.templates).as(name).isNotEmpty();
            assertThat(w.templates.stream().mapToInt(t -> t.instances).sum()).as(name).isPositive();
        }
    }

    @Test
    void unknownKeysAreOneLineErrorsNamingTheKnownKeys() {
        for (String name : NAMES) {
            assertThatThrownBy(() -> Workloads.parse(name + ":bogus=1")).as(name)
                    .isInstanceOf(WorkloadException.class)
                    .hasMessageContaining("unknown key 'bogus'")
                    .hasMessageContaining("expected one of")
                    .hasMessageNotContaining("\n");
        }
    }

    @Test
    void givenKeysAreRecordedAndBadValuesNamed() {
        assertThat(Workloads.parse("stream:threads=2,ntimes=3").params).containsEntry("threads", "2").containsEntry("ntimes", "3");
        assertThatThrownBy(() -> Workloads.parse("stream:membound=2")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("membound");
        assertThatThrownBy(() -> Workloads.parse("oltp:locks=-1")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("locks");
        assertThatThrownBy(() -> Workloads.parse("netperf-rr:req=0")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("req");
        assertThatThrownBy(() -> Workloads.parse("spec-rate:work=fast")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("work");
        assertThatThrownBy(() -> Workloads.parse("hackbench:groups=100000")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("at most");
    }

    /** The benchmarks whose tasks are forked one by one, each fork after a gap of the parent's work. */
    static final String[] FORKING = {"schbench", "tbench", "netperf-rr", "stream", "oltp", "spec-rate", "inference"};

    @Test
    void staggerScalesTheGapsBetweenForks() {
        for (String name : FORKING) {
            double real = forkGaps(Workloads.parse(name));
            assertThat(real).as(name).isPositive();
            assertThat(forkGaps(Workloads.parse(name + ":stagger=2.5"))).as(name).isCloseTo(2.5 * real, within(1e-6 * real));
            assertThat(forkGaps(Workloads.parse(name + ":stagger=0"))).as(name).isZero();
            assertThat(forkGaps(Workloads.parse(name + ":stagger=1"))).as(name).isEqualTo(real);
            // a factor that would push a fork beyond the simulator's time limit is bad input, not an internal error
            for (String bad : new String[]{"-1", "1e9", "fast"})
                assertThatThrownBy(() -> Workloads.parse(name + ":stagger=" + bad)).as(name + " " + bad)
                        .isInstanceOf(WorkloadException.class)
                        .hasMessageContaining("stagger must be a number in [0, " + Launch.MAX_STAGGER + "]")
                        .hasMessageContaining("'" + bad + "'")
                        .hasMessageNotContaining("\n");
            assertThat(forkGaps(Workloads.parse(name + ":stagger=" + Launch.MAX_STAGGER))).as(name).isPositive();
        }
    }

    /** Sum over every template of the mean work run right before each fork. */
    private static double forkGaps(WorkloadSpec w) {
        double sum = 0;
        for (TaskTemplate t : w.templates)
            for (int i = 1; i < t.program.length; i++)
                if (t.program[i] instanceof Op.Fork && t.program[i - 1] instanceof Op.Run)
                    sum += ((Op.Run) t.program[i - 1]).work.mean();
        return sum;
    }

    @Test
    void parametersArriveThroughRunSpecParamsToo() {
        WorkloadSpec w = Workloads.parse("netperf-rr", java.util.Map.of("pairs", "3"));
        // the shell and the daemon, then a client and its server per pair
        assertThat(w.templates).hasSize(2 + 2 * 3);
        assertThat(w.params).containsEntry("pairs", "3");
    }
}
