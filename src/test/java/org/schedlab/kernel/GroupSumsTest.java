package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.policy.ForwardingPolicy;
import org.schedlab.policy.Policies;
import org.schedlab.policy.RqReader;
import org.schedlab.policy.RqSums;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.Presets;
import org.schedlab.topology.SchedDomain;
import org.schedlab.topology.SchedGroup;
import org.schedlab.topology.Topology;
import org.schedlab.topology.TopologySources;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-group sums balancing reads (cpu_load, cpu_util_cfs, cpu_runnable, nr_running, idle CPUs, overloaded
 * CPUs, misfit maxima) equal, exactly, the same figures read CPU by CPU, whenever a pass could read them.
 */
class GroupSumsTest {
    /** Compares every group of the sampled CPU's domains with its CPUs' figures read one by one. */
    private static final class Sampler extends ForwardingPolicy {
        int compared, withMisfit, partial;

        Sampler(SchedPolicy delegate) { super(delegate); }

        @Override public void tick(int cpu, boolean idle) {
            if ((ctx.jiffies() + cpu) % 7 == 0) compareAll(cpu);
            super.tick(cpu, idle);
        }

        @Override public void newidle(int cpu) {
            if (ctx.now() % 23 == 0) compareAll(cpu);
            super.newidle(cpu);
        }

        private void compareAll(int cpu) {
            RqReader rq = ctx.reader(cpu, "probe");
            RqSums kept = new RqSums();
            for (SchedDomain sd : ctx.domains().of(cpu))
                for (int gi = 0; gi < sd.nrGroups(); gi++) { SchedGroup g = sd.group(gi);
                    rq.sum(g, null, kept);
                    assertThat(kept).usingRecursiveComparison().as("group %s at %d ns", g, ctx.now()).isEqualTo(fresh(ctx, rq, g, null));
                    compared++;
                    if (kept.misfitTaskLoad > 0) withMisfit++;
                    // a pass that excluded a CPU (LBF_ALL_PINNED, a task's affinity) sums the others
                    if (g.weight > 1) {
                        CpuSet within = g.span.copy();
                        within.clear(g.span.first());
                        rq.sum(g, within, kept);
                        assertThat(kept).usingRecursiveComparison().isEqualTo(fresh(ctx, rq, g, within));
                        partial++;
                    }
                }
        }
    }

    /** The figures of the group's CPUs in {@code within}, read one by one and added up. */
    private static RqSums fresh(SchedContext ctx, RqReader rq, SchedGroup g, CpuSet within) {
        RqSums s = new RqSums();
        for (int i = g.span.first(); i >= 0; i = g.span.nextSetBit(i + 1)) {
            if (within != null && !within.get(i)) continue;
            s.load += rq.load(i);
            s.util += rq.util(i);
            s.runnable += rq.runnable(i);
            s.nrRunning += ctx.nrRunning(i);
            if (ctx.idleCpu(i)) s.idleCpus++;
            else s.misfitTaskLoad = Math.max(s.misfitTaskLoad, ctx.misfitTaskLoad(i));
            if (ctx.nrRunning(i) > 1) s.overloadedCpus++;
            s.weight++;
            s.capacity += ctx.capacityOf(i);
            s.maxCapacity = Math.max(s.maxCapacity, ctx.capacityOf(i));
        }
        return s;
    }

    private static Sampler run(Topology t, String policy, WorkloadSpec w, long ns) {
        Policies.Resolved p = Policies.resolve(policy);
        Sampler s = new Sampler(p.policy);
        MachineConfig cfg = MachineConfig.of(ns, 1, true, true);
        new Machine(t, s, p.options, w, cfg).run();
        return s;
    }

    @Test
    void groupSumsEqualTheirCpusOnSampledPassesOfABusyTwoSocketMachine() {
        Sampler s = run(TopologySources.resolve("epyc-7763-2s"), "pull", Workloads.parse("schbench:workers=64"), 8_000_000L);
        assertThat(s.compared).isGreaterThan(400);
        assertThat(s.partial).isGreaterThan(200);
        Sampler push = run(TopologySources.resolve("desktop-8c16t"), "push", Workloads.parse("hackbench:groups=2"), 20_000_000L);
        assertThat(push.compared).isGreaterThan(100);
    }

    @Test
    void misfitMaximaFollowTheirCpusOnMixedCapacities() {
        // more CPU hogs than big CPUs on the Juno: the LITTLE CPUs keep misfit tasks that come and go
        WorkloadSpec w = new WorkloadSpec("hogs");
        for (int i = 0; i < 4; i++)
            w.addTemplate(new TaskTemplate("h" + i, new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.exp(8_000_000)),
                    new Op.Sleep(Dist.exp(2_000_000)), new Op.LoopEnd(0)}, 1));
        Sampler s = run(Presets.get("juno-r0"), "pull", w, 120_000_000L);
        assertThat(s.compared).isGreaterThan(60);
        assertThat(s.withMisfit).isGreaterThan(20);
    }

    /**
     * Two identical machines after the same run: on one every group of a CPU's domains is read at once
     * ({@link RqReader#sum}), on the other its CPUs one by one; the charges agree pass after pass, as lines are
     * held, written and re-read, and for a part of a group.
     */
    @Test
    void aGroupReadIsChargedWhatReadingItsCpusOneByOneCosts() {
        Machine[] ms = new Machine[2];
        for (int k = 0; k < 2; k++) {
            Policies.Resolved p = Policies.resolve("pull");
            ms[k] = new Machine(TopologySources.resolve("epyc-7763-2s"), p.policy, p.options,
                    Workloads.parse("schbench:workers=64"), MachineConfig.of(4_000_000L, 1, true, true));
            ms[k].run();
        }
        int n = ms[0].nrCpus;
        java.util.Random r = new java.util.Random(5);
        long total = 0;
        for (int pass = 0; pass < 40; pass++) {
            int acting = r.nextInt(n);
            // some runqueues are written between passes: their lines leave every cache
            for (int j = 0; j < 30; j++) {
                int c = r.nextInt(n);
                for (Machine m : ms) m.rqLines.changed(c);
            }
            long[] charged = new long[2];
            for (int k = 0; k < 2; k++) {
                SchedContext ctx = ms[k].context();
                RqReader rq = ctx.reader(acting, "probe");
                long before = ctx.chargedNs(acting);
                for (SchedDomain sd : ctx.domains().of(acting))
                    for (int gi = 0; gi < sd.nrGroups(); gi++) { SchedGroup g = sd.group(gi);
                        CpuSet within = null;
                        if (pass % 3 == 0 && g.weight > 1) {
                            within = g.span.copy();
                            within.clear(g.span.first());
                        }
                        if (k == 0) rq.sum(g, within, new RqSums());
                        else fresh(ctx, rq, g, within);
                    }
                charged[k] = ctx.chargedNs(acting) - before;
            }
            assertThat(charged[0]).as("pass %d by CPU %d", pass, acting).isEqualTo(charged[1]);
            total += charged[0];
        }
        assertThat(total).isGreaterThan(0);
    }

    @Test
    void theInvariantsCheckEveryGroupAfterEveryEvent() {
        Policies.Resolved p = Policies.resolve("push");
        MachineConfig cfg = MachineConfig.of(5_000_000L, 3, true, true);
        cfg.checkInvariants = true;
        Machine m = new Machine(TopologySources.resolve("desktop-8c16t"), p.policy, p.options,
                Workloads.parse("tbench:clients=24"), cfg);
        m.run();
        assertThat(m.events).isGreaterThan(2_000);
    }
}
