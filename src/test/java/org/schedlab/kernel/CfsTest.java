package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.engine.Rng;
import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.assertj.core.data.Percentage.withPercentage;

/** The 5.19 fair class ({@code --fair cfs}) against its definitions, on a bare runqueue and in whole runs. */
class CfsTest {
    /** 8 CPUs: every tunable scaled by 1 + ilog2(8) = 4. */
    private final Cfs cfs = new Cfs(8);

    private static Task task(int pid, int nice) {
        TaskTemplate tt = new TaskTemplate("t" + pid, new Op[]{new Op.Run(Dist.constant(1))}, 1);
        tt.nice = nice;
        return new Task(pid, tt.comm, tt, 0, Rng.stream(1, "t"), null, 1, 0, 0, 0);
    }

    private static Cpu rq() { return new Cpu(0, 1024, 1024, 0, 500_000); }

    @Test
    void tunablesScaleWithTheLogOfTheCpuCountUpToEight() {
        assertThat(cfs.latencyNs).isEqualTo(24_000_000L);
        assertThat(cfs.minGranularityNs).isEqualTo(3_000_000L);
        assertThat(cfs.wakeupGranularityNs).isEqualTo(4_000_000L);
        assertThat(new Cfs(1).latencyNs).isEqualTo(6_000_000L);
        assertThat(new Cfs(256).latencyNs).isEqualTo(24_000_000L);
    }

    @Test
    void theSliceIsTheWeightedShareOfAPeriodThatStretchesBeyondEightTasks() {
        Cpu rq = rq();
        Task a = task(1, 0), b = task(2, 5);
        EevdfTest.queue(rq, a);
        EevdfTest.queue(rq, b);
        // period 24 ms shared 1024 : 335
        assertThat(cfs.slice(rq, a)).isEqualTo(24_000_000L * 1024 / (1024 + 335));
        assertThat(cfs.slice(rq, b)).isEqualTo(24_000_000L * 335 / (1024 + 335));
        for (int i = 3; i <= 10; i++) EevdfTest.queue(rq, task(i, 0));
        // 10 tasks > sched_nr_latency: 10 × min_granularity
        assertThat(cfs.period(10)).isEqualTo(30_000_000L);
        // a task not yet queued counts itself in
        Task c = task(11, 0);
        assertThat(cfs.slice(rq, c)).isEqualTo(33_000_000L * 1024 / (rq.loadWeight + 1024));
    }

    @Test
    void minVruntimeFollowsTheSmallestQueuedOrRunningEntityAndNeverGoesBack() {
        Cpu rq = rq();
        Task a = task(1, 0), b = task(2, 0);
        a.vruntime = 100_000_000L;
        b.vruntime = 90_000_000L;
        EevdfTest.queue(rq, a);
        EevdfTest.queue(rq, b);
        Cfs.updateMinVruntime(rq);
        assertThat(rq.minVruntime).isEqualTo(90_000_000L);
        rq.timeline.remove(b);
        rq.curr = b;
        Cfs.updateCurr(rq, b, 30_000_000L);
        // b at 120 ms, a at 100 ms: the minimum is a's
        assertThat(rq.minVruntime).isEqualTo(100_000_000L);
        a.vruntime = 50_000_000L;   // an entity cannot pull min_vruntime back
        rq.timeline.remove(a);
        rq.timeline.insert(a);
        Cfs.updateMinVruntime(rq);
        assertThat(rq.minVruntime).isEqualTo(100_000_000L);
    }

    @Test
    void aSleeperWakesHalfALatencyBehindMinVruntimeAtMostAndANewTaskOneVsliceAhead() {
        Cpu rq = rq();
        rq.minVruntime = 500_000_000L;
        Task sleeper = task(1, 0);
        sleeper.vruntime = 100_000_000L;
        cfs.place(rq, null, sleeper, false, true, null, null);
        assertThat(sleeper.vruntime).isEqualTo(500_000_000L - 12_000_000L);
        Task recent = task(2, 0);
        recent.vruntime = 499_000_000L;
        cfs.place(rq, null, recent, false, true, null, null);
        assertThat(recent.vruntime).isEqualTo(499_000_000L);
        Task child = task(3, 0);
        cfs.place(rq, null, child, true, false, null, null);
        // alone on the runqueue: a whole 24 ms period as its vslice (START_DEBIT)
        assertThat(child.vruntime).isEqualTo(500_000_000L + 24_000_000L);
        // a migrating waker keeps its distance to min_vruntime
        Cpu from = rq();
        from.minVruntime = 10_000_000L;
        Task mover = task(4, 0);
        mover.vruntime = 13_000_000L;
        cfs.place(rq, from, mover, false, true, null, null);
        assertThat(mover.vruntime).isEqualTo(503_000_000L);
    }

    @Test
    void aWakeePreemptsOnlyBeyondItsWakeupGranularityAndIsThenPickedAsNextBuddy() {
        Cpu rq = rq();
        Task curr = task(1, 0), near = task(2, 0), far = task(3, 0);
        curr.vruntime = 100_000_000L;
        EevdfTest.queue(rq, curr);
        rq.timeline.remove(curr);
        rq.curr = curr;
        near.vruntime = 97_000_000L;   // 3 ms behind: within the 4 ms granularity
        EevdfTest.queue(rq, near);
        assertThat(cfs.wakeupPreempts(rq, curr, near)).isFalse();
        far.vruntime = 95_000_000L;    // 5 ms behind
        EevdfTest.queue(rq, far);
        assertThat(cfs.wakeupPreempts(rq, curr, far)).isTrue();
        assertThat(rq.next).isSameAs(far);
        // near moved 1 ms left of far: the next buddy is still picked, being within a granularity of the leftmost
        near.vruntime = 94_000_000L;
        rq.timeline.remove(near);
        rq.timeline.insert(near);
        assertThat(cfs.pick(rq)).isSameAs(far);
        assertThat(rq.next).isNull();
        assertThat(cfs.pick(rq)).isSameAs(near);
    }

    @Test
    void theTickPreemptsAfterTheSliceOrAfterMinGranularityWhenASliceAheadOfTheLeftmost() {
        Cpu rq = rq();
        Task curr = task(1, 0), other = task(2, 0);
        curr.vruntime = 100_000_000L;
        other.vruntime = 100_000_000L;
        EevdfTest.queue(rq, curr);
        EevdfTest.queue(rq, other);
        rq.timeline.remove(curr);
        rq.curr = curr;
        curr.prevSumExecRuntime = 0;
        curr.sumExecRuntime = 12_000_000L;   // exactly the 12 ms slice: not beyond it
        curr.vruntime = 112_000_000L;
        assertThat(cfs.tickPreempts(rq, curr)).isFalse();
        curr.sumExecRuntime = 12_000_001L;
        assertThat(cfs.tickPreempts(rq, curr)).isTrue();
        // under min_granularity nothing preempts, however far ahead
        curr.sumExecRuntime = 2_000_000L;
        curr.vruntime = 200_000_000L;
        assertThat(cfs.tickPreempts(rq, curr)).isFalse();
        curr.sumExecRuntime = 3_000_000L;
        assertThat(cfs.tickPreempts(rq, curr)).isTrue();
    }

    private static MachineConfig cfsConfig(long durationNs, int hz) {
        MachineConfig cfg = Sim.config(durationNs, 1, false, true);
        cfg.cfs = true;
        cfg.hz = hz;
        return cfg;
    }

    @Test
    void twoHogsOnOneCpuAlternateAtTheFirstTickBeyondHalfTheLatencyPeriod() {
        // 8 CPUs: latency 24 ms, 12 ms each; the slice is exceeded at 13 ms (HZ=1000) or 16 ms (HZ=250)
        CpuSet one = CpuSet.of(8, 3);
        for (int hz : new int[]{250, 1000}) {
            RunOutcome o = Sim.run("synthetic:cores=8", "linux-wake", MachineTest.hogs(2, 0, 0, one), cfsConfig(1_000_000_000L, hz));
            long period = hz == 250 ? 16_000_000L : 13_000_000L;
            assertThat(o.rec.contextSwitches).as("HZ=%d", hz).isCloseTo(1_000_000_000L / period, offset(3L));
            assertThat(o.taskExecNs[0]).isCloseTo(o.taskExecNs[1], offset(period));
        }
    }

    @Test
    void niceWeightsShareTheCpu() {
        CpuSet one = CpuSet.of(8, 0);
        RunOutcome o = Sim.run("synthetic:cores=8", "linux-wake", MachineTest.hogs(2, 0, 5, one), cfsConfig(2_000_000_000L, 250));
        assertThat((double) o.taskExecNs[0] / o.taskExecNs[1]).isCloseTo(1024.0 / 335, withPercentage(4));
    }

    @Test
    void aWokenSleeperPreemptsAHogAtOnceAndANewTaskWaitsForTheSlice() {
        CpuSet one = CpuSet.of(8, 2);
        WorkloadSpec w = MachineTest.hogs(1, 0, 0, one);
        TaskTemplate sleeper = new TaskTemplate("sleeper", new Op[]{new Op.LoopBegin(-1), new Op.Sleep(Dist.constant(20_000_000)),
                new Op.Run(Dist.constant(500_000)), new Op.LoopEnd(0)}, 1);
        sleeper.allowed = one;
        w.addTemplate(sleeper);
        MachineConfig cfs = cfsConfig(1_000_000_000L, 250);
        RunOutcome c = Sim.run("synthetic:cores=8", "linux-wake", w, cfs);
        // 12 ms of sleeper credit against a 4 ms wakeup granularity: the wakeups from sleep preempt the hog (but the
        // first ones, while the sleeper's own vruntime is still ahead from its start); its start waits, placed a
        // vslice ahead (START_DEBIT), until the hog's 12 ms slice has passed
        assertThat(c.rec.wakeupLatency.getTotalCount()).isGreaterThan(40);
        assertThat(c.rec.wakeupLatency.getCountBetweenValues(1, Long.MAX_VALUE)).isLessThanOrEqualTo(3);
        assertThat(c.rec.wakeupLatency.getMaxValue()).isBetween(12_000_000L, 16_100_000L);
    }
}
