package org.schedlab.kernel;

import org.schedlab.policy.Policies;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;
import org.schedlab.topology.TopologySources;
import org.schedlab.workload.WorkloadSpec;

/** Test helper: one run with a small config. */
final class Sim {
    private Sim() {}

    static MachineConfig config(long durationNs, long seed, boolean costs, boolean slice) {
        return MachineConfig.of(durationNs, seed, costs, slice);
    }

    static RunOutcome run(String topology, String policy, WorkloadSpec wl, MachineConfig cfg) {
        Topology t = topology.startsWith("synthetic") ? Synthetic.parse(topology) : TopologySources.resolve(topology);
        Policies.Resolved p = Policies.resolve(policy);
        return new Machine(t, p.policy, p.options, wl, cfg).run();
    }
}
