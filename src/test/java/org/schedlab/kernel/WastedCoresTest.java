package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

/**
 * Wasted core time (Lozi et al.'s invariant: no CPU idle while a task waits) and its split by where the idle CPU
 * is: three hogs pinned to CPU 0 keep two tasks waiting the whole run while every other CPU idles.
 */
class WastedCoresTest {
    private static RunOutcome pinnedHogs(String topology) {
        WorkloadSpec w = new WorkloadSpec("hogs");
        for (int i = 0; i < 3; i++) {
            TaskTemplate t = new TaskTemplate("hog" + i, new Op[]{new Op.LoopBegin(-1),
                    new Op.Run(Dist.constant(10_000_000)), new Op.LoopEnd(0)}, 1);
            t.allowed = CpuSet.of(64, 0);
            w.addTemplate(t);
        }
        MachineConfig cfg = Sim.config(200_000_000L, 1, false, true);
        cfg.checkInvariants = true;
        return Sim.run(topology, "pull", w, cfg);
    }

    @Test
    void idleCpusOfTheSameLlcCountAsWastedWithinTheLlc() {
        // 1 LLC of 4 CPUs: 3 idle CPUs, 2 waiting tasks, all in one LLC
        RunOutcome o = pinnedHogs("synthetic:cores=4");
        long t = o.simTimeNs;
        assertThat((double) o.rec.wastedCoreNs).isCloseTo(2.0 * t, withinPercentage(1));
        assertThat(o.rec.wastedCoreLlcNs).isEqualTo(o.rec.wastedCoreNs);
        assertThat(o.rec.wastedCoreNodeNs).isEqualTo(o.rec.wastedCoreNs);
    }

    @Test
    void idleCpusElsewhereCountOnlyAtTheLevelTheyShare() {
        // 2 nodes × 2 LLCs × 1 core: CPU 0's LLC has no idle CPU; its node has one (CPU 1); the machine three
        RunOutcome o = pinnedHogs("synthetic:packages=2,llcs=2,cores=1");
        long t = o.simTimeNs;
        assertThat(o.rec.wastedCoreLlcNs).isZero();
        assertThat((double) o.rec.wastedCoreNodeNs).isCloseTo(1.0 * t, withinPercentage(1));
        assertThat((double) o.rec.wastedCoreNs).isCloseTo(2.0 * t, withinPercentage(1));
    }
}
