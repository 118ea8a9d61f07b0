package org.schedlab.policy;

import org.junit.jupiter.api.Test;
import org.schedlab.cost.CostModel;
import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.kernel.RunOutcome;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Overload-on-wakeup" (Lozi et al., EuroSys 2016) as mainline still has it: wakeup placement never leaves the
 * waker's LLC, so wakees stack behind busy tasks of a saturated LLC while another LLC idles. Placement alone
 * (linux-wake) keeps it that way; the pull balancer's idle CPUs take the work.
 */
class OverloadOnWakeupTest {
    private static WorkloadSpec scenario(Topology t) {
        WorkloadSpec w = new WorkloadSpec("overload-on-wakeup");
        int n = t.nrCpus();
        for (int c = 0; c < 4; c++) {
            TaskTemplate hog = new TaskTemplate("hog" + c, new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(10_000_000)),
                    new Op.LoopEnd(0)}, 1);
            hog.allowed = CpuSet.of(n, c);
            w.addTemplate(hog);
        }
        w.channels = 4;
        for (int p = 0; p < 2; p++) {
            int a = 2 * p, b = 2 * p + 1;
            Op[] ping = {new Op.SetAffinity(CpuSet.full(n)), new Op.LoopBegin(-1), new Op.Run(Dist.constant(50_000)),
                    new Op.Signal(b, false, true), new Op.Wait(a), new Op.LoopEnd(1)};
            Op[] pong = {new Op.SetAffinity(CpuSet.full(n)), new Op.LoopBegin(-1), new Op.Wait(b),
                    new Op.Run(Dist.constant(50_000)), new Op.Signal(a, false, true), new Op.LoopEnd(1)};
            TaskTemplate t1 = new TaskTemplate("ping" + p, ping, 1), t2 = new TaskTemplate("pong" + p, pong, 1);
            // created in the busy LLC (any of its CPUs), then free to run anywhere
            t1.allowed = CpuSet.of(n, 0, 1, 2, 3);
            t2.allowed = CpuSet.of(n, 0, 1, 2, 3);
            w.addTemplate(t1);
            w.addTemplate(t2);
        }
        return w;
    }

    private static RunOutcome run(String policy) {
        Topology t = Synthetic.parse("synthetic:llcs=2,cores=4");
        MachineConfig cfg = new MachineConfig();
        cfg.durationNs = 2_000_000_000L;
        cfg.warmupNs = 500_000_000L;
        cfg.costs = CostModel.defaults();
        cfg.timelineBuckets = 0;
        Policies.Resolved p = Policies.resolve(policy);
        return new Machine(t, p.policy, p.options, scenario(t), cfg).run();
    }

    @Test
    void placementAloneStacksWakeesInTheBusyLlcWhileTheOtherIdles() {
        RunOutcome wake = run("linux-wake");
        long measured = wake.simTimeNs - wake.measureStart;
        assertThat(wake.rec.idleWhileOverloadedNs).isGreaterThan(measured / 2);
        assertThat(wake.rec.migrations().getOrDefault("PKG", 0L)).isZero();
        long busyOther = 0;
        for (int c = 4; c < 8; c++) busyOther += wake.busyNs[c];
        assertThat(busyOther).isZero();

        RunOutcome pull = run("pull");
        assertThat(pull.rec.idleWhileOverloadedNs).isLessThan(wake.rec.idleWhileOverloadedNs / 10);
        long pulledOther = 0;
        for (int c = 4; c < 8; c++) pulledOther += pull.busyNs[c];
        assertThat(pulledOther).isGreaterThan(measured);
    }
}
