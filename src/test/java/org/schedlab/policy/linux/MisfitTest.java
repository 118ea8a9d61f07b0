package org.schedlab.policy.linux;

import org.junit.jupiter.api.Test;
import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.kernel.RunOutcome;
import org.schedlab.policy.Policies;
import org.schedlab.topology.Presets;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Mixed CPU capacities (SD_ASYM_CPUCAPACITY) on the Arm Juno r0: 2 Cortex-A57 (capacity 1024, CPUs 1-2) and
 * 4 Cortex-A53 (446). A CPU-bound task does not fit a LITTLE CPU (util above 80% of 446), so
 * update_misfit_status flags it, and balancing moves it to a big CPU (group_misfit_task, migrate_misfit, active
 * balance through the stopper); a waking task that would not fit goes to a big CPU (select_idle_capacity).
 */
class MisfitTest {
    private static final Topology JUNO = Presets.get("juno-r0");

    private static WorkloadSpec tasks(int n, long runNs, long sleepNs) {
        WorkloadSpec w = new WorkloadSpec("tasks");
        for (int i = 0; i < n; i++) {
            Op[] prog = sleepNs == 0
                    ? new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(runNs)), new Op.LoopEnd(0)}
                    : new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(runNs)), new Op.Sleep(Dist.constant(sleepNs)), new Op.LoopEnd(0)};
            w.addTemplate(new TaskTemplate("t" + i, prog, 1));
        }
        return w;
    }

    private static RunOutcome run(String policy, WorkloadSpec w, long ns) {
        Policies.Resolved p = Policies.resolve(policy);
        MachineConfig cfg = MachineConfig.of(ns, 1, true, true);
        cfg.checkInvariants = true;
        return new Machine(JUNO, p.policy, p.options, w, cfg).run();
    }

    /** Work done per second in [1 s, 2 s], in units of a capacity-1024 CPU (same seed: the first second repeats). */
    private static double workRate(String policy, int hogs) {
        double one = run(policy, tasks(hogs, 10_000_000, 0), 1_000_000_000L).workExecuted;
        double two = run(policy, tasks(hogs, 10_000_000, 0), 2_000_000_000L).workExecuted;
        return (two - one) / 1e9;
    }

    @Test
    void cpuBoundTasksUpToTheNumberOfBigCpusRunAtBigCpuSpeed() {
        assertThat(JUNO.capacityOf(1)).isEqualTo(1024);
        assertThat(JUNO.capacityOf(0)).isEqualTo(446);
        for (int n = 1; n <= 2; n++) assertThat(workRate("pull", n)).as("%d hogs", n).isCloseTo(n, within(0.03 * n));
        // placement alone leaves a hog where fork put it: misfit balancing is what moves it
        assertThat(workRate("linux-wake", 2)).isLessThan(1.9);
    }

    @Test
    void aWakingTaskThatWouldNotFitALittleCpuWakesOnABigOne() {
        // 9 ms of work, 1 ms of sleep: util ~ 0.9 of the CPU it runs on, far above 80% of a LITTLE's 446
        RunOutcome o = run("linux-wake", tasks(1, 9_000_000, 1_000_000), 2_000_000_000L);
        long big = o.busyNs[1] + o.busyNs[2], all = 0;
        for (long b : o.busyNs) all += b;
        assertThat((double) big / all).isGreaterThan(0.95);
    }
}
