package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SpecRateTest {
    // not a multiple of the 4 ms tick, so no copy's work ends exactly on a tick
    private static final double WORK_S = 0.0503;

    @Test
    void copiesAreIndependentCpuBoundTasks() {
        WorkloadSpec w = Workloads.parse("spec-rate:copies=6,memfrac=0.5");
        assertThat(w.templates).singleElement().satisfies(t -> {
            assertThat(t.instances).isEqualTo(6);
            assertThat(t.memoryBound).isEqualTo(0.5);
            assertThat(Sim.ops(t, Op.Run.class)).singleElement().satisfies(r -> assertThat(r.work.mean()).isEqualTo(2e8));
            assertThat(Sim.ops(t, Op.Wait.class)).isEmpty();
            assertThat(Sim.ops(t, Op.Sleep.class)).isEmpty();
        });
        assertThat(w.endWhenAllExit).isTrue();
    }

    @Test
    void makespanMatchesTheClosedForm() {
        for (int copies : new int[]{1, 4}) {
            JsonNode r = Sim.run("synthetic:cores=4", "linux-wake", "spec-rate:work=50.3ms,copies=" + copies, 1_000_000_000L, false);
            assertThat(Sim.value(r)).isCloseTo(WORK_S, within(1e-6));
        }
        for (int copies : new int[]{8, 12}) {
            JsonNode r = Sim.run("synthetic:cores=4", "global", "spec-rate:work=50.3ms,copies=" + copies, 1_000_000_000L, false);
            assertThat(Sim.value(r)).isCloseTo(WORK_S * copies / 4, within(1e-6));
            assertThat(r.get("metrics").get("tasks_exited").asLong()).isEqualTo(copies);
        }
    }

    @Test
    void rateCountsCopiesPerSecondOfMakespan() {
        JsonNode r = Sim.run("synthetic:cores=4", "global", "spec-rate:work=50.3ms,copies=8,metric=rate", 1_000_000_000L, false);
        assertThat(r.get("throughput").get("higher_is_better").asBoolean()).isTrue();
        assertThat(Sim.value(r)).isCloseTo(8 / (2 * WORK_S), within(0.01));
    }

    @Test
    void memoryBoundCopiesSlowDownWhenTheyShareAnLlc() {
        double cpu = Sim.value(Sim.run("synthetic:cores=8", "linux-wake", "spec-rate:work=20.3ms,copies=8", 1_000_000_000L, false));
        double mem = Sim.value(Sim.run("synthetic:cores=8", "linux-wake", "spec-rate:work=20.3ms,copies=8,memfrac=1", 1_000_000_000L, false));
        // 8 copies draw 8 × 15 GB/s from an LLC link of 50 GB/s: at most 2.4 times slower
        assertThat(mem / cpu).isBetween(2.0, 2.45);
    }
}
