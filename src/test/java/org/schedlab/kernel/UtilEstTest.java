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

/** util_est keeps a sleeper's utilisation for its next activation; cpu_util reports max(util_avg, util_est). */
class UtilEstTest {
    @Test
    void aWokenTaskBringsTheUtilisationItHadWhenItSlept() {
        Topology t = Synthetic.parse("synthetic:cores=2");
        WorkloadSpec w = new WorkloadSpec("periodic");
        TaskTemplate tt = new TaskTemplate("p", new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(20_000_000)),
                new Op.Sleep(Dist.constant(200_000_000)), new Op.LoopEnd(0)}, 1);
        tt.allowed = CpuSet.of(2, 1);
        w.addTemplate(tt);
        MachineConfig cfg = MachineConfig.of(221_000_000L, 1, false, true);
        Policies.Resolved p = Policies.resolve("linux-wake");
        Machine m = new Machine(t, p.policy, p.options, w, cfg);
        m.run();
        // post_init_entity_util_avg starts the task at half the empty CPU's capacity (512); after 20 ms of
        // running, util_avg = 1024 - 512·y^n with n = 20 ms / 1024 µs periods and y^32 = 1/2
        double n = 20_000_000.0 / Pelt.PERIOD_NS;
        double atSleep = 1024 - 512 * Math.pow(0.5, n / 32);
        Task task = m.tasks.get(0);
        assertThat(task.utilEstEwma).isCloseTo(atSleep, within(0.5));
        // 1 ms after the wakeup util_avg has decayed to a few percent, cpu_util still shows the estimate
        double utilAvg = task.utilAvg();
        assertThat(utilAvg).isLessThan(60);
        assertThat((double) m.context().reader(1, "test").util(1)).isCloseTo(atSleep, within(1.0));
        assertThat(task.utilEst()).isCloseTo(atSleep, within(0.5));
    }
}
