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

/** Idle entry (the menu governor's tick decision), avg_idle, the remote wakeup's end-to-end time and re-read lines. */
class IdleAndWakeupTest {
    private static Cpu cpuWith(long... intervalsUs) {
        Cpu c = new Cpu(0, 1024, 1024, 0, 500_000);
        for (int i = 0; i < intervalsUs.length; i++) c.idleIntervalsUs[i] = intervalsUs[i];
        return c;
    }

    @Test
    void typicalIntervalIsMenusRepeatingPattern() {
        assertThat(TickIdle.typicalIntervalUs(cpuWith())).isEqualTo(Long.MAX_VALUE);          // no history
        assertThat(TickIdle.typicalIntervalUs(cpuWith(50, 50, 50, 50, 50, 50, 50, 50))).isEqualTo(50);
        // stddev within 20 µs: accepted as it is
        assertThat(TickIdle.typicalIntervalUs(cpuWith(100, 110, 90, 100, 105, 95, 100, 100))).isEqualTo(100);
        // one long pause among short ones is discarded as an outlier: (7 × 100) / 7
        assertThat(TickIdle.typicalIntervalUs(cpuWith(100, 100, 100, 100, 100, 100, 100, 20_000))).isEqualTo(100);
        // no pattern
        assertThat(TickIdle.typicalIntervalUs(cpuWith(10, 5000, 300, 20_000, 7, 90_000, 1, 400_000))).isEqualTo(Long.MAX_VALUE);
    }

    /** One task on CPU 1 that runs 100 µs and sleeps {@code sleepNs}, forever, for {@code runNs}. */
    private static Machine sleeper(long sleepNs, long runNs) {
        Topology t = Synthetic.parse("synthetic:cores=2");
        WorkloadSpec w = new WorkloadSpec("sleeper");
        TaskTemplate tt = new TaskTemplate("sleeper", new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(100_000)),
                new Op.Sleep(Dist.constant(sleepNs)), new Op.LoopEnd(0)}, 1);
        tt.allowed = CpuSet.of(2, 1);
        w.addTemplate(tt);
        MachineConfig cfg = MachineConfig.of(runNs, 1, true, true);
        Policies.Resolved p = Policies.resolve("pull");
        Machine m = new Machine(t, p.policy, p.options, w, cfg);
        m.run();
        return m;
    }

    /** The tick count of {@link #sleeper} over one second. */
    private static long ticksWithSleep(long sleepNs) {
        Machine m = sleeper(sleepNs, 1_000_000_000L);
        return m.recorder().counts().getOrDefault("kernel_ns.tick", 0L) / m.cfg.costs.tickNs;   // ticks handled
    }

    @Test
    void avgIdleIsTheWakeupsAverageIdlePeriodSinceNewidleStampedIt() {
        // update_avg with weight 1/8 over 200 periods of 300 µs: the sleep (the timer wakes the task 300 µs after
        // it blocked and newidle stamped idle_stamp), far below the cap of 2 x max_idle_balance_cost
        Machine m = sleeper(300_000L, 80_000_000L);
        assertThat(m.cpus[1].avgIdle).isBetween(300_000L, 310_000L);
        // CPU 0 never ran a task, never went through newidle: avg_idle is still its boot value, 2 x migration_cost
        assertThat(m.cpus[0].avgIdle).isEqualTo(2 * m.cfg.migrationCostNs);
    }

    @Test
    void aForkOntoAnIdleCpuTakesNoAvgIdleSample() {
        // a parent on CPU 0 forks a child pinned to CPU 1 every ~300 µs; the child runs 100 µs and exits. CPU 1 goes
        // idle through newidle (idle_stamp set) and is only ever woken by wake_up_new_task, which does not sample:
        // avg_idle keeps its boot value, where sampling every exit from idle would bring it to about 200 µs
        Topology t = Synthetic.parse("synthetic:cores=2");
        WorkloadSpec w = new WorkloadSpec("forker");
        TaskTemplate parent = new TaskTemplate("parent", new Op[]{new Op.LoopBegin(-1), new Op.Fork(1, 1),
                new Op.WaitChildren(1), new Op.Sleep(Dist.constant(200_000)), new Op.LoopEnd(0)}, 1);
        parent.allowed = CpuSet.of(2, 0);
        TaskTemplate child = new TaskTemplate("child", new Op[]{new Op.Run(Dist.constant(100_000))}, 0);
        child.allowed = CpuSet.of(2, 1);
        w.addTemplate(parent);
        w.addTemplate(child);
        Policies.Resolved p = Policies.resolve("pull");
        Machine m = new Machine(t, p.policy, p.options, w, MachineConfig.of(50_000_000L, 1, true, true));
        m.run();
        assertThat(m.recorder().tasksCreated).isGreaterThan(100);
        assertThat(m.cpus[1].avgIdle).isEqualTo(2 * m.cfg.migrationCostNs);
    }

    @Test
    void theTickStopsOnIdleEntryUnlessATimerOrThePatternSaysTheIdleIsShort() {
        // a 1 ms sleep is due within the 4 ms tick: the tick keeps running through idle (about 250 per second)
        assertThat(ticksWithSleep(1_000_000L)).isGreaterThan(200);
        // a 20 ms sleep: the tick stops at once on idle entry; only busy periods that span a tick boundary tick
        assertThat(ticksWithSleep(20_000_000L)).isLessThan(20);
    }

    @Test
    void aRemoteWakeupOfACpuInC1TakesTheMeasured115Microseconds() {
        // a busy waker on CPU 0 signals a task that waits on CPU 9 (another LLC, idle in C1) every 2 ms
        Topology t = Synthetic.parse("synthetic:llcs=2,cores=8");
        WorkloadSpec w = new WorkloadSpec("remote-wakeup");
        w.channels = 1;
        TaskTemplate waker = new TaskTemplate("waker", new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(2_000_000)),
                new Op.Signal(0, false, false), new Op.LoopEnd(0)}, 1);
        waker.allowed = CpuSet.of(16, 0);
        TaskTemplate wakee = new TaskTemplate("wakee", new Op[]{new Op.LoopBegin(-1), new Op.Wait(0),
                new Op.Run(Dist.constant(10_000)), new Op.LoopEnd(0)}, 1);
        wakee.allowed = CpuSet.of(16, 9);
        w.addTemplate(waker);
        w.addTemplate(wakee);
        MachineConfig cfg = MachineConfig.of(200_000_000L, 1, true, true);
        cfg.costs.workJitter = 0;
        Policies.Resolved p = Policies.resolve("linux-wake");
        Machine m = new Machine(t, p.policy, p.options, w, cfg);
        m.run();
        // LKML 70998f86-74d7-7ced-867e-f17695bc88e7@gmail.com: futex wake to wakee running, target in C1: 1.15 µs
        assertThat(m.recorder().wakeupLatency.getValueAtPercentile(50) / 1000.0).isBetween(1.10, 1.20);
    }

    @Test
    void reReadingAnUnchangedRunqueueIsACacheHit() {
        Topology t = Synthetic.parse("synthetic:llcs=2,cores=4");
        WorkloadSpec w = new WorkloadSpec("idle");
        TaskTemplate tt = new TaskTemplate("t", new Op[]{new Op.Run(Dist.constant(1_000)), new Op.Exit()}, 1);
        tt.allowed = CpuSet.of(8, 0);
        w.addTemplate(tt);
        MachineConfig cfg = MachineConfig.of(1_000_000L, 1, true, true);
        Policies.Resolved p = Policies.resolve("linux-wake");
        Machine m = new Machine(t, p.policy, p.options, w, cfg);
        m.run();
        long full = m.costs.statGatherNs(t, 0, 5);
        assertThat(full).isGreaterThan(m.costs.cachedLineNs);
        // from a runqueue nobody holds (the run's nohz blocked-load updates read them all)
        m.rqLines.changed(5);
        long c0 = m.ctx.chargedNs(0);
        m.ctx.chargeScan(0, 5, "periodic");
        assertThat(m.ctx.chargedNs(0) - c0).isEqualTo(full);
        m.ctx.chargeScan(0, 5, "periodic");
        assertThat(m.ctx.chargedNs(0) - c0).isEqualTo(full + m.costs.cachedLineNs);
        // another reader still pays the transfer; a write to the runqueue invalidates every copy
        long c1 = m.ctx.chargedNs(1);
        m.ctx.chargeScan(1, 5, "periodic");
        assertThat(m.ctx.chargedNs(1) - c1).isEqualTo(m.costs.statGatherNs(t, 1, 5));
        m.rqLines.changed(5);
        long c2 = m.ctx.chargedNs(0);
        m.ctx.chargeScan(0, 5, "periodic");
        assertThat(m.ctx.chargedNs(0) - c2).isEqualTo(full);
    }
}
