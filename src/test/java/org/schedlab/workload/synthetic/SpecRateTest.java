package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.experiment.RunSpec;
import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpecRateTest {
    // not a multiple of the 4 ms tick, so no copy's work ends exactly on a tick
    private static final double WORK_S = 0.0503;
    /** specinvoke's fork+exec per copy: {@link Launch#SHELL_SPAWN}, uniform over 200–500 µs. */
    private static final double SPAWN_LO_S = 200e-6, SPAWN_HI_S = 500e-6;

    @Test
    void copiesAreIndependentCpuBoundTasksStartedBySpecinvoke() {
        WorkloadSpec w = Workloads.parse("spec-rate:copies=6,memfrac=0.5");
        assertThat(w.templates).hasSize(2);
        var specinvoke = w.templates.get(0);
        var copy = w.templates.get(1);
        assertThat(specinvoke.comm).isEqualTo("specinvoke");
        assertThat(specinvoke.instances).isEqualTo(1);
        // one copy per pass of a loop of 6, each after a fork+exec's worth of work, then wait for all
        assertThat(Sim.ops(specinvoke, Op.LoopBegin.class)).extracting(l -> l.count).containsExactly(6);
        assertThat(Sim.ops(specinvoke, Op.Fork.class)).singleElement().satisfies(f -> {
            assertThat(f.template).isEqualTo(1);
            assertThat(f.count).isEqualTo(1);
        });
        assertThat(Sim.ops(specinvoke, Op.Run.class)).singleElement()
                .satisfies(r -> assertThat(r.work.mean()).isEqualTo((SPAWN_LO_S + SPAWN_HI_S) / 2 * 1e9));
        assertThat(Sim.ops(specinvoke, Op.WaitChildren.class)).singleElement().satisfies(x -> assertThat(x.count).isEqualTo(6));
        assertThat(copy.instances).isZero();
        assertThat(copy.memoryBound).isEqualTo(0.5);
        assertThat(Sim.ops(copy, Op.Run.class)).singleElement().satisfies(r -> assertThat(r.work.mean()).isEqualTo(2e8));
        assertThat(Sim.ops(copy, Op.Wait.class)).isEmpty();
        assertThat(Sim.ops(copy, Op.Sleep.class)).isEmpty();
        assertThat(w.endWhenAllExit).isTrue();
    }

    @Test
    void makespanMatchesTheClosedFormWhenCopiesStartTogether() {
        for (int copies : new int[]{1, 4}) {
            JsonNode r = run("linux-wake", copies, ",stagger=0", 1);
            assertThat(Sim.value(r)).as("%d copies", copies).isCloseTo(WORK_S, within(1e-6));
        }
        for (int copies : new int[]{8, 12}) {
            JsonNode r = run("global", copies, ",stagger=0", 1);
            assertThat(Sim.value(r)).as("%d copies", copies).isCloseTo(WORK_S * copies / 4, within(1e-6));
            assertThat(r.get("metrics").get("tasks_exited").asLong()).isEqualTo(copies + 1);
        }
    }

    /**
     * With specinvoke's start-up the last copy starts after the sum of the copies' spawn gaps, and the makespan is
     * that sum plus ceil(copies / CPUs) × work: a copy alone on its CPU when copies ≤ CPUs; under the FIFO
     * {@code global} queue the first 3 copies take the idle CPUs, the 4th waits for specinvoke's CPU (free once
     * the last copy is spawned) and every later one for the next CPU a copy frees, so each CPU runs copies/4 of
     * them back to back. specinvoke's spawn gaps are its only work besides the copies', so their sum is the demanded
     * work minus copies × work.
     */
    @Test
    void makespanMatchesTheClosedFormWithTheStaggeredStart() {
        String[] policies = {"linux-wake", "linux-wake", "global", "global"};
        int[] counts = {1, 4, 8, 12};
        for (int i = 0; i < counts.length; i++) {
            int n = counts[i];
            for (long seed : new long[]{1, 2}) {
                JsonNode r = run(policies[i], n, "", seed);
                double gaps = Sim.demanded(r) * 1e-9 - n * WORK_S;
                assertThat(gaps).as("%d copies: spawn gaps", n).isBetween(n * SPAWN_LO_S, n * SPAWN_HI_S)
                        .isCloseTo(n * (SPAWN_LO_S + SPAWN_HI_S) / 2, within(3 * Sim.sumOfUniformsSd(n, SPAWN_LO_S, SPAWN_HI_S)));
                double rounds = Math.ceil(n / 4.0);
                assertThat(Sim.value(r)).as("%d copies, seed %d", n, seed).isCloseTo(gaps + rounds * WORK_S, within(1e-6));
            }
        }
    }

    @Test
    void rateCountsCopiesPerSecondOfMakespan() {
        RunSpec s = Sim.spec("synthetic:cores=4", "global", "spec-rate:work=50.3ms,copies=8,metric=rate,stagger=0", 1_000_000_000L, 1);
        s.costs = false;
        JsonNode r = Sim.run(s);
        assertThat(r.get("throughput").get("higher_is_better").asBoolean()).isTrue();
        assertThat(Sim.value(r)).isCloseTo(8 / (2 * WORK_S), within(0.01));
    }

    @Test
    void memoryBoundCopiesSlowDownWhenTheyShareAnLlc() {
        double cpu = Sim.value(Sim.run("synthetic:cores=8", "linux-wake", "spec-rate:work=20.3ms,copies=8", 1_000_000_000L, false));
        double mem = Sim.value(Sim.run("synthetic:cores=8", "linux-wake", "spec-rate:work=20.3ms,copies=8,memfrac=1", 1_000_000_000L, false));
        // 8 copies draw 8 × 21.4 GB/s (a Zen 3 core's STREAM rate) from an LLC link of 50 GB/s: at most 3.4 times slower
        double bound = 8 * org.schedlab.workload.TaskTemplate.CORE_MEMORY_BYTES_PER_NS / 50;
        assertThat(mem / cpu).isBetween(0.8 * bound, bound + 0.05);
    }

    @Test
    void specinvokeForksEveryCopy() {
        Sim.Births b = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", "spec-rate:work=5.3ms,copies=4", 1_000_000_000L, 1));
        Sim.Birth specinvoke = b.only("specinvoke");
        List<Sim.Birth> copies = b.childrenOf(specinvoke.pid());
        assertThat(copies).hasSize(4).allSatisfy(c -> assertThat(c.comm()).isEqualTo("spec-copy"));
        for (int k = 1; k < 4; k++)
            assertThat(copies.get(k).forkedAt() - copies.get(k - 1).forkedAt()).isGreaterThanOrEqualTo(Math.round(SPAWN_LO_S * 1e9));
        assertThat(b.result().get("metrics").get("tasks_exited").asLong()).isEqualTo(5);
    }

    private static JsonNode run(String policy, int copies, String extra, long seed) {
        RunSpec s = Sim.spec("synthetic:cores=4", policy, "spec-rate:work=50.3ms,copies=" + copies + extra, 1_000_000_000L, seed);
        s.costs = false;
        return Sim.run(s);
    }
}
