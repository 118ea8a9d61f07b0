package org.schedlab.policy.linux;

import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.policy.Policies;
import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.SchedContext;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import java.lang.reflect.Proxy;
import java.util.Map;

/** Scenes for testing the balancing parts by hand: a machine set up by a placement-only policy, and option reads. */
final class Scenes {
    private Scenes() {}

    /** Hogs: {@code perCpu[c]} tasks on CPU c, free to move; {@code pinned}: allowed only there. */
    static Machine scene(String topology, int[] perCpu, boolean pinned, long runNs) {
        Topology t = Synthetic.parse(topology);
        WorkloadSpec w = new WorkloadSpec("scene");
        int n = t.nrCpus();
        for (int c = 0; c < perCpu.length; c++) {
            for (int k = 0; k < perCpu[c]; k++) {
                Op[] prog = pinned
                        ? new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(1_000_000)), new Op.LoopEnd(0)}
                        : new Op[]{new Op.SetAffinity(CpuSet.full(n)), new Op.LoopBegin(-1), new Op.Run(Dist.constant(1_000_000)), new Op.LoopEnd(1)};
                TaskTemplate tt = new TaskTemplate("hog" + c + "." + k, prog, 1);
                tt.allowed = CpuSet.of(n, c);
                w.addTemplate(tt);
            }
        }
        MachineConfig cfg = MachineConfig.of(runNs, 1, true, true);
        cfg.costs.workJitter = 0;
        Policies.Resolved p = Policies.resolve("linux-wake");
        Machine m = new Machine(t, p.policy, p.options, w, cfg);
        m.run();
        return m;
    }

    /**
     * {@code real} answering option reads from {@code options} (defaults otherwise), since the balancing parts
     * run on a machine whose own policy (linux-wake) declares none; {@code ttwuPending} forced when not null.
     */
    static SchedContext withOptions(SchedContext real, Map<String, String> options, Boolean ttwuPending) {
        return (SchedContext) Proxy.newProxyInstance(Scenes.class.getClassLoader(), new Class<?>[]{SchedContext.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("option")) {
                        PolicyOption o = (PolicyOption) args[0];
                        return options.getOrDefault(o.key(), o.defaultValue());
                    }
                    if (ttwuPending != null && method.getName().equals("ttwuPending")) return ttwuPending;
                    return method.invoke(real, args);
                });
    }

}
