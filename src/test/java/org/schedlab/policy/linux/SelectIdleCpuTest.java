package org.schedlab.policy.linux;

import org.junit.jupiter.api.Test;
import org.schedlab.kernel.Machine;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** select_idle_cpu's scan depth: SIS_UTIL (6.19) and SIS_PROP (5.19), against the kernel's rules. */
class SelectIdleCpuTest {
    private static final String SMT_LLC = "synthetic:llcs=1,cores=4,smt=2";

    /** Pinned hogs on every CPU of the machine except the whole core {@code idleCore}, after 1 ms. */
    private static Machine allBusyBut(String topology, int idleCore) {
        Topology t = Synthetic.parse(topology);
        int[] perCpu = new int[t.nrCpus()];
        for (int c = 0; c < perCpu.length; c++) perCpu[c] = t.coreOf(c) == idleCore ? 0 : 1;
        return Scenes.scene(topology, perCpu, true, 1_000_000L);
    }

    private static FairPlacement placement(Machine m, Map<String, String> options) {
        FairPlacement p = new FairPlacement();
        p.init(Scenes.withOptions(m.context(), options, null));
        return p;
    }

    /** A task of the scene that may run anywhere (its hog is pinned; the view only answers placement's questions). */
    private static TaskView free(Machine m, int cpu) {
        TaskView hog = m.context().curr(cpu);
        return (TaskView) java.lang.reflect.Proxy.newProxyInstance(SelectIdleCpuTest.class.getClassLoader(),
                new Class<?>[]{TaskView.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "canRunOn": return true;
                        case "allowedCpus": return null;
                        case "nrCpusAllowed": return m.context().nrCpus();
                        case "recentUsedCpu": return cpu;
                        case "setRecentUsedCpu": return null;
                        default: return method.invoke(hog, args);
                    }
                });
    }

    @Test
    void sisUtilWithNoBudgetGivesUpBeforeTheIdleCoreSearch() {
        Machine m = allBusyBut(SMT_LLC, 3);
        int idleCpu = m.context().topology().coreSpan(3).first();
        assertThat(m.context().idleCpu(idleCpu)).isTrue();
        FairPlacement p = placement(m, Map.of());
        p.hasIdleCores[0] = true;
        TaskView task = free(m, 0);
        assertThat(p.selectIdleSibling(task, 0, 0)).as("budget left: the idle core is found").isIn(m.context().topology().coreSpan(3).first(),
                m.context().topology().coreSpan(3).nextSetBit(idleCpu + 1));
        // an LLC at 100% utilisation: x = 1024, 1024 - min(1024, 1024²·117²/10240000) = 0 CPUs to scan
        p.updateIdleCpuScan(0, 1024.0 * 8);
        assertThat(p.nrIdleScan[0]).isZero();
        p.hasIdleCores[0] = true;
        // select_idle_cpu returns -1 before looking for a core ("overloaded LLC is unlikely to have idle cpu/core")
        assertThat(p.selectIdleSibling(task, 0, 0)).isEqualTo(0);
    }

    @Test
    void sisUtilScanDepthFollowsTheKernelsIntegerSteps() {
        Machine m = allBusyBut(SMT_LLC, 3);
        FairPlacement p = placement(m, Map.of());
        for (int util = 0; util <= 1024; util += 7) {
            long x = util;   // sum_util / llc_weight with sum_util = 8·util
            long tmp = Math.min(x * x * 117 * 117 / (10000L * 1024), 1024);
            p.updateIdleCpuScan(0, 8.0 * util);
            assertThat(p.nrIdleScan[0]).as("util %d", util).isEqualTo((int) ((1024 - tmp) * 8 / 1024));
        }
    }

    @Test
    void sisPropScansInProportionToTheWakingCpusAvgIdleAgedPerJiffy() {
        // 16 CPUs, one idle, found only by a scan of more than 4 CPUs from the target
        String topo = "synthetic:llcs=1,cores=16";
        Topology t = Synthetic.parse(topo);
        int[] perCpu = new int[t.nrCpus()];
        java.util.Arrays.fill(perCpu, 1);
        perCpu[10] = 0;
        Machine m = Scenes.scene(topo, perCpu, true, 300_000_000L);
        SchedContext ctx = m.context();
        assertThat(ctx.jiffies()).isGreaterThanOrEqualTo(64);
        FairPlacement p = placement(m, Map.of("sis", "prop"));
        TaskView task = free(m, 0);
        // CPU 0 (the waker) just left an idle period: wake_avg_idle = avg_idle / 2 (ttwu_do_wakeup, 5.19)
        p.enteringIdle(0);
        p.running(0);
        long wakeAvgIdle = ctx.avgIdle(0) / 2;
        assertThat(wakeAvgIdle).isGreaterThan(0);
        // nr = 16 · wake_avg_idle / (avg_scan_cost + 1) with no scan cost yet: the whole LLC
        assertThat(p.selectTaskRq(task, 0, 0, org.schedlab.policy.WakeFlags.WF_TTWU)).isEqualTo(10);
        // a CPU busy since boot (wake_stamp 0): its wake_avg_idle was halved every jiffy to nothing, so
        // nr = 4 and the scan stops after CPUs 1-3 (select_idle_cpu's "!--nr")
        FairPlacement aged = placement(m, Map.of("sis", "prop"));
        assertThat(aged.selectTaskRq(task, 0, 0, org.schedlab.policy.WakeFlags.WF_TTWU)).isEqualTo(0);
        // SIS_UTIL's budget at boot is the whole LLC
        assertThat(placement(m, Map.of()).selectTaskRq(task, 0, 0, org.schedlab.policy.WakeFlags.WF_TTWU)).isEqualTo(10);
    }

    @Test
    void pushAndSharedRunqTakeTheMainlineOptionsAndAct() {
        // on a loaded LLC, SIS_PROP's budget differs from SIS_UTIL's: the runs differ under push as under pull
        String w = "hackbench:groups=2";
        for (String base : new String[]{"pull", "push", "shared-runq"}) {
            double util = headline(base, w), prop = headline(base + ":sis=prop", w);
            assertThat(prop).as(base).isNotEqualTo(util);
        }
        org.schedlab.policy.Policies.resolve("push:sis=prop,numa_imb=quarter,numa_consistent=off,numa_affinity_cap=off,newidle_cost=bump,ni_random=off");
        org.schedlab.policy.Policies.resolve("shared-runq:sis=prop,idle_check=on,shard=16,newidle_cost=bump");
    }

    private static double headline(String policy, String workload) {
        org.schedlab.experiment.RunSpec s = new org.schedlab.experiment.RunSpec();
        s.topology = "synthetic:llcs=2,cores=8";
        s.policy = policy;
        s.workload = workload;
        s.timelineBuckets = 0;
        return org.schedlab.experiment.Runner.run(s).get("throughput").get("value").asDouble();
    }
}
