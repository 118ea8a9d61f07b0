package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.cost.CostModel;
import org.schedlab.policy.Policies;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Boost by busy cores: a package's speed for each interval follows its busy cores over the interval before, from 1
 * (none busy) to boostAllCores (every core busy on one thread) and down to boostAllThreads (every thread busy).
 */
class BoostTest {
    private static final long WORK = 10_000_000, INTERVAL = 1_000_000;

    /** When the last of the tasks pinned one each to {@code cpus} is done with {@link #WORK}. */
    private static long lastDone(String topology, int... cpus) {
        return lastDone(topology, WORK, -1, cpus);
    }

    /** The same, the task on {@code cpu} with {@code work} instead. */
    private static long lastDone(String topology, long work, int cpu, int... cpus) {
        Topology topo = Synthetic.parse(topology);
        WorkloadSpec w = new WorkloadSpec("pinned");
        w.endWhenAllExit = true;
        for (int c : cpus) {
            long ns = c == cpu ? work : WORK;
            TaskTemplate t = new TaskTemplate("t" + c, new Op[]{new Op.Run(Dist.constant(ns)), new Op.Exit()}, 1);
            t.allowed = CpuSet.of(topo.nrCpus(), c);
            w.addTemplate(t);
        }
        MachineConfig cfg = MachineConfig.of(1_000_000_000L, 1, false, true);
        cfg.costs = CostModel.none();
        cfg.costs.boostAllCores = 0.8;
        cfg.costs.boostAllThreads = 0.7;
        cfg.costs.boostIntervalNs = INTERVAL;
        cfg.smtSpeed = 1.0;
        Policies.Resolved p = Policies.resolve("linux-wake");
        return new Machine(topo, p.policy, p.options, w, cfg).run().simTimeNs;
    }

    /** The first interval runs at full speed (nothing was busy before it), the rest at {@code f}. */
    private static long expected(double f) {
        return INTERVAL + (long) Math.ceil((WORK - INTERVAL) / f);
    }

    @Test
    void everyCoreBusySlowsThePackageToItsAllCoreSpeed() {
        assertThat(lastDone("synthetic:packages=2,cores=4", 0, 1, 2, 3)).isBetween(expected(0.8) - 2, expected(0.8) + 2);
    }

    @Test
    void oneBusyCoreOfFourLosesAQuarterOfTheFall() {
        assertThat(lastDone("synthetic:packages=2,cores=4", 0)).isBetween(expected(0.95) - 2, expected(0.95) + 2);
    }

    @Test
    void eachPackageFollowsOnlyItsOwnCores() {
        // package 0 busy on every core (at 0.8) does not slow the lone task on package 1, with twice the work, below 0.95
        long ends = lastDone("synthetic:packages=2,cores=4", 2 * WORK, 4, 0, 1, 2, 3, 4);
        long want = INTERVAL + (long) Math.ceil((2 * WORK - INTERVAL) / 0.95);
        assertThat(ends).isBetween(want - 2, want + 2);
    }

    @Test
    void everyThreadBusySlowsThePackageToItsAllThreadSpeed() {
        assertThat(lastDone("synthetic:packages=1,cores=2,smt=2", 0, 1, 2, 3)).isBetween(expected(0.7) - 2, expected(0.7) + 2);
    }

    @Test
    void withoutBoostNothingChangesSpeed() {
        Topology topo = Synthetic.parse("synthetic:packages=1,cores=4");
        WorkloadSpec w = new WorkloadSpec("pinned");
        w.endWhenAllExit = true;
        w.addTemplate(new TaskTemplate("t", new Op[]{new Op.Run(Dist.constant(WORK)), new Op.Exit()}, 4));
        MachineConfig cfg = MachineConfig.of(1_000_000_000L, 1, false, true);
        Policies.Resolved p = Policies.resolve("linux-wake");
        assertThat(new Machine(topo, p.policy, p.options, w, cfg).run().simTimeNs).isEqualTo(WORK);
    }
}
