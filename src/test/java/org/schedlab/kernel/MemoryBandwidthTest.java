package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.policy.Policies;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The memory-bandwidth model: tasks share the link of the LLC they run on and the memory node their data is on. */
class MemoryBandwidthTest {
    private static final long WORK = 10_000_000;

    /** A memory-bound task that first runs on {@code firstCpu}, then on {@code thenCpu} for {@link #WORK}. */
    private static TaskTemplate mover(String name, int nrCpus, int firstCpu, int thenCpu) {
        TaskTemplate t = new TaskTemplate(name, new Op[]{new Op.Run(Dist.constant(1_000)),
                new Op.SetAffinity(CpuSet.of(nrCpus, thenCpu)), new Op.Run(Dist.constant(WORK)), new Op.Exit()}, 1);
        t.allowed = CpuSet.of(nrCpus, firstCpu);
        t.memoryBound = 1;
        return t;
    }

    /** Time until both tasks are done, on 2 packages of 4 cores where one core alone saturates a package. */
    private static long bothDone(int firstB) {
        Topology topo = Synthetic.parse("synthetic:packages=2,cores=4");
        WorkloadSpec w = new WorkloadSpec("movers");
        w.endWhenAllExit = true;
        w.addTemplate(mover("a", 8, 0, 0));
        w.addTemplate(mover("b", 8, firstB, 1));
        MachineConfig cfg = MachineConfig.of(1_000_000_000L, 1, false, true);
        cfg.memBwPerPackage = cfg.memBwPerCore;
        cfg.memBwPerLlc = 1e9;
        Policies.Resolved p = Policies.resolve("linux-wake");
        return new Machine(topo, p.policy, p.options, w, cfg).run().simTimeNs;
    }

    @Test
    void memoryStaysWhereTheTaskFirstRan() {
        // both first ran on package 0 and run there: they share its memory and take twice as long
        assertThat((double) bothDone(2)).isCloseTo(2.0 * WORK, within(0.02 * WORK));
        // b's memory is on package 1 (it first ran on CPU 4), so running next to a on package 0 it does not share
        assertThat((double) bothDone(4)).isCloseTo(1.0 * WORK, within(0.02 * WORK));
    }
}
