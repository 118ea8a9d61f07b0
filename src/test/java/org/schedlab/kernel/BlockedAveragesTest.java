package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.policy.ForwardingPolicy;
import org.schedlab.policy.Policies;
import org.schedlab.policy.RqReader;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.linux.FairPolicy;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.Synthetic;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Runqueue averages are read as the kernel keeps them: cfs_rq->avg as of the runqueue's last update, so an idle
 * CPU's blocked load stays what it was until something updates its blocked averages.
 */
class BlockedAveragesTest {
    private static final long MS = 1_000_000L;

    /** CPU 1 runs one task for 20 ms from the start, then it sleeps for a second; CPU 0 is kept busy. */
    private static WorkloadSpec sleeperBesideABusyCpu() {
        WorkloadSpec w = new WorkloadSpec("sleeper");
        TaskTemplate sleeper = new TaskTemplate("sleeper", new Op[]{new Op.Run(Dist.constant(20 * MS)),
                new Op.Sleep(Dist.constant(1_000 * MS)), new Op.Run(Dist.constant(MS))}, 1);
        sleeper.allowed = CpuSet.of(2, 1);
        TaskTemplate busy = new TaskTemplate("busy", new Op[]{new Op.Run(Dist.constant(10_000 * MS))}, 1);
        busy.allowed = CpuSet.of(2, 0);
        w.addTemplate(sleeper);
        w.addTemplate(busy);
        return w;
    }

    /** util_avg of the sleeper when it sleeps: post_init_entity_util_avg's 512, then 20 ms of running. */
    private static double utilAtSleep() {
        return 1024 - 512 * Math.pow(0.5, 20.0 * MS / Pelt.PERIOD_NS / 32);
    }

    private static Machine machine(SchedPolicy policy, long durationNs) {
        return new Machine(Synthetic.parse("synthetic:cores=2"), policy, null, sleeperBesideABusyCpu(),
                MachineConfig.of(durationNs, 1, false, true));
    }

    @Test
    void nohzStatsUpdatesDecayAnIdleCpuAtMostOncePerLoadAvgPeriodUntilNothingIsLeft() {
        List<long[]> changes = new ArrayList<>();
        Policies.Resolved pull = Policies.resolve("pull");
        SchedPolicy probe = new ForwardingPolicy(pull.policy) {
            @Override public void tick(int cpu, boolean idle) {
                super.tick(cpu, idle);
                if (cpu != 0 || ctx.now() <= 24 * MS) return;
                long util = ctx.reader(0, "probe").util(1);
                if (changes.isEmpty() || changes.get(changes.size() - 1)[1] != util) changes.add(new long[]{ctx.now(), util});
            }
        };
        new Machine(Synthetic.parse("synthetic:cores=2"), probe, pull.options, sleeperBesideABusyCpu(),
                MachineConfig.of(600 * MS, 1, false, true)).run();
        // CPU 0's busy ticks kick STATS updates; each walk sets nohz.next_blocked 32 ms (LOAD_AVG_PERIOD) later
        assertThat(changes.size()).isBetween(5, 600 / 32 + 2);
        for (int i = 1; i < changes.size(); i++) {
            assertThat(changes.get(i)[1]).isLessThan(changes.get(i - 1)[1]);
            if (i > 1) assertThat(changes.get(i)[0] - changes.get(i - 1)[0]).isGreaterThanOrEqualTo(32 * MS);
        }
        assertThat(changes.get(changes.size() - 1)[1]).isZero();
    }

    @Test
    void anIdleCpusAveragesReadTheSameUntilSomethingUpdatesThem() {
        List<long[]> reads = new ArrayList<>();
        // placement only, without the balancing softirq's or nohz's blocked-load housekeeping
        SchedPolicy probe = new ForwardingPolicy(FairPolicy.linuxWake()) {
            @Override public void tick(int cpu, boolean idle) {
                if (cpu != 0 || ctx.now() <= 24 * MS) return;
                RqReader rq = ctx.reader(0, "probe");
                reads.add(new long[]{rq.load(1), rq.util(1), rq.runnable(1)});
            }
            @Override public void newidle(int cpu) {}
            @Override public void tickStopped(int cpu) {}
        };
        machine(probe, 200 * MS).run();
        // nothing updates CPU 1's averages after its task slept at 20 ms
        assertThat(reads).hasSizeGreaterThan(40);
        assertThat((double) reads.get(0)[1]).isCloseTo(utilAtSleep(), within(1.0));
        for (long[] r : reads) assertThat(r).as("read at every tick of CPU 0").containsExactly(reads.get(0));
    }

    @Test
    void updatingTheBlockedAveragesDecaysWhatTheSleeperLeft() {
        long[] at = new long[2];
        long[] util = new long[2];
        boolean[] hasBlocked = new boolean[1];
        SchedPolicy probe = new ForwardingPolicy(FairPolicy.linuxWake()) {
            @Override public void tick(int cpu, boolean idle) {
                super.tick(cpu, idle);
                if (cpu != 0) return;
                if (at[0] == 0 && ctx.now() > 60 * MS) {
                    at[0] = ctx.now();
                    ctx.updateBlockedAverages(1);
                    util[0] = ctx.reader(0, "probe").util(1);
                } else if (at[1] == 0 && ctx.now() > 500 * MS) {
                    at[1] = ctx.now();
                    hasBlocked[0] = ctx.updateBlockedAverages(1);
                    util[1] = ctx.reader(0, "probe").util(1);
                }
            }
            @Override public void tickStopped(int cpu) {
                super.tickStopped(cpu);
                // nohz_balance_enter_idle marks the runqueue as holding blocked load
                ctx.setHasBlockedLoad(cpu);
            }
        };
        Machine m = machine(probe, 600 * MS);
        m.run();
        // the blocked util decays by y^(Δ/P) from the moment the task slept (20 ms), y^32 = 1/2
        double expected = utilAtSleep() * Math.pow(0.5, (at[0] - 20.0 * MS) / Pelt.PERIOD_NS / 32);
        assertThat((double) util[0]).isCloseTo(expected, within(1.0));
        assertThat(m.context().lastBlockedLoadUpdateTick(1)).isEqualTo(at[1] / m.tickNs);
        // after 480 ms (14 half-lives) nothing is left: the runqueue no longer has blocked load
        assertThat(util[1]).isZero();
        assertThat(hasBlocked[0]).isFalse();
    }
}
