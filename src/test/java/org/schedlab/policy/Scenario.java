package org.schedlab.policy;

import org.schedlab.cost.CostModel;
import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.kernel.RunOutcome;
import org.schedlab.metrics.ScheduleSink;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import java.util.ArrayList;
import java.util.List;

/** Small readable scenarios: tasks that start pinned where the test wants them, then may be released. */
final class Scenario {
    final Topology topo;
    final WorkloadSpec wl = new WorkloadSpec("scenario");
    final List<Move> moves = new ArrayList<>();
    final List<Switch> switches = new ArrayList<>();
    RunOutcome out;
    Machine machine;

    record Move(long t, int pid, String comm, int from, int to, String kind) {}

    record Switch(long t, int cpu, String comm) {}

    Scenario(String topology) { this.topo = Synthetic.parse(topology); }

    /** A CPU hog that starts on {@code startCpu} and, if {@code release}, may then run anywhere. */
    Scenario hog(String comm, int startCpu, boolean release) {
        List<Op> ops = new ArrayList<>();
        if (release) ops.add(new Op.SetAffinity(CpuSet.full(topo.nrCpus())));
        int loop = ops.size();
        ops.add(new Op.LoopBegin(-1));
        ops.add(new Op.Run(Dist.constant(10_000_000)));
        ops.add(new Op.LoopEnd(loop));
        TaskTemplate t = new TaskTemplate(comm, ops.toArray(new Op[0]), 1);
        t.allowed = CpuSet.of(topo.nrCpus(), startCpu);
        wl.addTemplate(t);
        return this;
    }

    /** A task pinned to {@code cpu} that runs {@code runNs} and exits. */
    Scenario oneShot(String comm, int cpu, long runNs) {
        TaskTemplate t = new TaskTemplate(comm, new Op[]{new Op.Run(Dist.constant(runNs)), new Op.Exit()}, 1);
        t.allowed = CpuSet.of(topo.nrCpus(), cpu);
        wl.addTemplate(t);
        return this;
    }

    Scenario run(String policy, long durationNs, boolean costs) {
        MachineConfig cfg = new MachineConfig();
        cfg.durationNs = durationNs;
        cfg.costs = (costs ? CostModel.defaults() : CostModel.none()).withoutBoost();
        cfg.costs.workJitter = 0;   // exact timings make the mechanisms readable
        cfg.timelineBuckets = 0;
        cfg.checkInvariants = true;
        Policies.Resolved p = Policies.resolve(policy);
        machine = new Machine(topo, p.policy, p.options, wl, cfg);
        machine.setScheduleSink(new ScheduleSink() {
            @Override public void switchTo(long t, int cpu, int pid, String comm) { switches.add(new Switch(t, cpu, comm)); }
            @Override public void migrate(long t, int pid, String comm, int from, int to, String kind) {
                moves.add(new Move(t, pid, comm, from, to, kind));
            }
            @Override public void nrRunning(long t, int cpu, int n) {}
            @Override public void overhead(long t, int cpu, String kind, long ns) {}
            @Override public void taskName(int pid, int tgid, String comm) {}
        });
        out = machine.run();
        return this;
    }

    List<Move> moves(String kind) { return moves.stream().filter(m -> m.kind.equals(kind)).toList(); }

    /** Number of live tasks on each CPU at the end. */
    int[] perCpu() {
        int[] n = new int[topo.nrCpus()];
        for (TaskView t : machine.liveTasks()) n[t.cpu()]++;
        return n;
    }
}
