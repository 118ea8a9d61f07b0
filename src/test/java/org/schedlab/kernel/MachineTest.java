package org.schedlab.kernel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.schedlab.experiment.Bench;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.policy.ForwardingPolicy;
import org.schedlab.policy.linux.FairPolicy;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.Synthetic;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;
import static org.assertj.core.data.Percentage.withPercentage;

class MachineTest {
    /** {@code n} endless 10 ms runs, the first at {@code nice0}, the others at {@code nice1}. */
    static WorkloadSpec hogs(int n, int nice0, int nice1, CpuSet allowed) {
        WorkloadSpec w = new WorkloadSpec("hogs");
        for (int i = 0; i < n; i++) {
            TaskTemplate t = new TaskTemplate("hog" + i, new Op[]{new Op.LoopBegin(-1),
                    new Op.Run(Dist.constant(10_000_000)), new Op.LoopEnd(0)}, 1);
            t.nice = i == 0 ? nice0 : nice1;
            t.allowed = allowed;
            w.addTemplate(t);
        }
        return w;
    }

    static void assertConserved(RunOutcome o) {
        for (int c = 0; c < o.busyNs.length; c++)
            assertThat(o.busyNs[c] + o.idleNs[c] + o.overheadNs[c]).as("cpu %d time", c).isEqualTo(o.simTimeNs);
        double lhs = o.workDemanded + o.refillDemanded;
        double rhs = o.workExecuted + o.workPending;
        assertThat(rhs).isCloseTo(lhs, offset(Math.max(1e-6 * lhs, 1.0)));
        long exec = 0, busy = 0;
        for (long x : o.taskExecNs) exec += x;
        for (long b : o.busyNs) busy += b;
        assertThat(exec).isEqualTo(busy);
    }

    @Test
    void conservationHoldsAcrossWorkloadsAndPolicies() {
        for (String policy : new String[]{"linux-wake", "global", "random"}) {
            MachineConfig cfg = Sim.config(300_000_000L, 5, true, true);
            cfg.checkInvariants = true;
            assertConserved(Sim.run("synthetic:llcs=2,cores=4,smt=2", policy,
                    Workloads.parse("poisson:rate=9000,service=exp:500us"), cfg));
            cfg = Sim.config(200_000_000L, 6, true, true);
            cfg.checkInvariants = true;
            assertConserved(Sim.run("synthetic:llcs=2,cores=4,smt=2", policy, Bench.pingPong(12, 50_000), cfg));
            cfg = Sim.config(200_000_000L, 7, true, true);
            cfg.checkInvariants = true;
            assertConserved(Sim.run("synthetic:llcs=2,cores=2", policy, hogs(7, 0, 0, null), cfg));
        }
    }

    @Test
    void sameSeedSameResult() {
        RunSpec s = RunSpec.of("epyc-7763-2s", "linux-wake", "poisson:rate=50000,service=lognormal:200us:1.0",
                200_000_000L, 42);
        ObjectNode a = Runner.run(s), b = Runner.run(s.copy());
        a.remove("wall_time_ms");
        b.remove("wall_time_ms");
        assertThat(a).isEqualTo(b);
        s.seed = 43;
        ObjectNode c = Runner.run(s);
        c.remove("wall_time_ms");
        assertThat(c).isNotEqualTo(a);
    }

    @Test
    void twoHogsOnOneCpuAlternateAtTheTickAfterTheSlice() {
        // 8 CPUs: base slice 0.7 ms × 4 = 2.8 ms, noticed at the next tick
        CpuSet one = CpuSet.of(8, 3);
        for (int hz : new int[]{250, 1000}) {
            MachineConfig cfg = Sim.config(1_000_000_000L, 1, false, true);
            cfg.hz = hz;
            RunOutcome o = Sim.run("synthetic:cores=8", "linux-wake", hogs(2, 0, 0, one), cfg);
            long period = hz == 250 ? 4_000_000L : 3_000_000L;
            assertThat(o.rec.contextSwitches).as("HZ=%d", hz).isCloseTo(1_000_000_000L / period, offset(3L));
            assertThat((double) o.taskExecNs[0]).isCloseTo(o.taskExecNs[1], withPercentage(1));
        }
    }

    @Test
    void niceWeightsShareTheCpu() {
        CpuSet one = CpuSet.of(8, 0);
        RunOutcome o = Sim.run("synthetic:cores=8", "linux-wake", hogs(2, 0, 5, one), Sim.config(2_000_000_000L, 1, false, true));
        double ratio = (double) o.taskExecNs[0] / o.taskExecNs[1];
        assertThat(ratio).isCloseTo(1024.0 / 335, withPercentage(4));
    }

    /** Samples a task's util_avg at every tick. */
    static final class UtilProbe extends ForwardingPolicy {
        final List<Double> samples = new ArrayList<>();

        UtilProbe() { super(FairPolicy.linuxWake()); }

        @Override public void tick(int cpu, boolean idle) {
            super.tick(cpu, idle);
            if (ctx.now() < 500_000_000L) return;
            for (int c = 0; c < ctx.nrCpus(); c++) {
                TaskView t = ctx.curr(c);
                if (t != null && t.comm().equals("duty")) samples.add(t.utilAvg());
            }
        }

        SchedContext context() { return ctx; }
    }

    @Test
    void peltUtilOfAQuarterDutyTaskConvergesTo256() {
        WorkloadSpec w = new WorkloadSpec("duty");
        w.addTemplate(new TaskTemplate("duty", new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(2_500_000)),
                new Op.Sleep(Dist.constant(7_500_000)), new Op.LoopEnd(0)}, 1));
        MachineConfig cfg = Sim.config(2_000_000_000L, 1, false, true);
        cfg.hz = 1000;
        UtilProbe probe = new UtilProbe();
        new Machine(Synthetic.parse("synthetic:cores=2"), probe, null, w, cfg).run();
        double mean = probe.samples.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        assertThat(probe.samples).isNotEmpty();
        // samples are taken only while the task runs, at the top of its ripple: between the mean and the peak
        assertThat(mean).isBetween(256.0, 256.0 + 60);
    }

    @Test
    void aNewJobOnAnIdleCpuCostsTheIdleExitAndTheSwitchFromIdle() {
        RunSpec s = RunSpec.of("synthetic:llcs=2,cores=2", "linux-wake", "poisson:rate=100,service=det:100us",
                1_000_000_000L, 1);
        ObjectNode r = Runner.run(s);
        double p50 = r.get("metrics").get("wakeup_latency_us").get("p50").asDouble();
        // a job forked onto an idle CPU: C1 exit (0.1 us) + switch from idle (0.65 us), plus the resched IPI
        // (0.4 us) when the CPU is not the forking one
        assertThat(p50).isIn(0.75, 1.15);
    }

    @Test
    void delayDequeueKeepsInvariantsAndRequeuesSleepersInPlace() {
        for (String policy : new String[]{"linux-wake", "pull", "push"}) {
            MachineConfig cfg = Sim.config(300_000_000L, 3, true, true);
            cfg.delayDequeue = true;
            cfg.checkInvariants = true;
            RunOutcome o = Sim.run("synthetic:llcs=2,cores=4,smt=2", policy, Workloads.parse("schbench:workers=32"), cfg);
            assertConserved(o);
            assertThat(o.rec.counts().getOrDefault("wakeups.delayed_requeue", 0L)).as(policy).isPositive();
            cfg = Sim.config(300_000_000L, 3, true, true);
            RunOutcome plain = Sim.run("synthetic:llcs=2,cores=4,smt=2", policy, Workloads.parse("schbench:workers=32"), cfg);
            assertThat(plain.rec.counts()).doesNotContainKey("wakeups.delayed_requeue");
        }
    }
}
