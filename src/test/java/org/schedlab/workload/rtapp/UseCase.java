package org.schedlab.workload.rtapp;

import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.kernel.RunOutcome;
import org.schedlab.metrics.ScheduleSink;
import org.schedlab.policy.Policies;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;
import org.schedlab.topology.TopologySources;
import org.schedlab.workload.WorkloadSpec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One run of an rt-app use case without kernel costs, on {@code n} identical CPUs or a named machine, so that a
 * task's CPU time is exactly the time it spends switched in. Per-task CPU time and switch-ins are taken from the schedule as it
 * happens, and checked against the kernel's own total.
 */
final class UseCase implements ScheduleSink {
    static final long MS = 1_000_000L, US = 1_000L;

    final WorkloadSpec spec;
    final long endNs;
    /** Start of the window {@link #lateCpuNs} and {@link #lateSwitchIns} count in. */
    final long lateFromNs;
    final Map<Integer, String> comm = new HashMap<>();
    final Map<Integer, Long> cpuNs = new HashMap<>(), lateCpuNs = new HashMap<>();
    final Map<Integer, Integer> lateSwitchIns = new HashMap<>();
    private final int[] curr;
    private final long[] since;
    final RunOutcome outcome;

    private UseCase(WorkloadSpec spec, String topology, long durationNs) {
        this.spec = spec;
        this.lateFromNs = durationNs / 2;
        Topology topo = topology.startsWith("synthetic") ? Synthetic.parse(topology) : TopologySources.resolve(topology);
        int cpus = topo.nrCpus();
        Policies.Resolved p = Policies.resolve("linux-wake");
        Machine m = new Machine(topo, p.policy, p.options, spec, MachineConfig.of(durationNs, 1, false, true));
        curr = new int[cpus];
        since = new long[cpus];
        m.setScheduleSink(this);
        outcome = m.run();
        endNs = outcome.simTimeNs;
        for (int c = 0; c < cpus; c++) account(c, endNs);
        long kernelTotal = Arrays.stream(outcome.taskExecNs).sum();
        long seen = cpuNs.values().stream().mapToLong(Long::longValue).sum();
        assertThat(seen).as("CPU time seen in the schedule").isEqualTo(kernelTotal);
    }

    static UseCase run(String json, int cpus, long durationNs) {
        return new UseCase(RtAppReader.parse("t.json", "t.json", json.getBytes(StandardCharsets.UTF_8), Map.of(), 0),
                "synthetic:cores=" + cpus, durationNs);
    }

    static UseCase run(WorkloadSpec spec, String topology, long durationNs) {
        return new UseCase(spec, topology, durationNs);
    }

    /** CPU time of every task named {@code name}, together. */
    long cpu(String name) {
        return sum(cpuNs, name);
    }

    long lateCpu(String name) {
        return sum(lateCpuNs, name);
    }

    private long sum(Map<Integer, Long> m, String name) {
        assertThat(comm).as("tasks").containsValue(name);
        long s = 0;
        for (Map.Entry<Integer, String> e : comm.entrySet()) if (e.getValue().equals(name)) s += m.getOrDefault(e.getKey(), 0L);
        return s;
    }

    private void account(int c, long now) {
        int pid = curr[c];
        if (pid == 0) return;
        cpuNs.merge(pid, now - since[c], Long::sum);
        long from = Math.max(since[c], lateFromNs);
        if (now > from) lateCpuNs.merge(pid, now - from, Long::sum);
    }

    @Override
    public void switchTo(long t, int cpu, int pid, String name) {
        account(cpu, t);
        curr[cpu] = pid;
        since[cpu] = t;
        if (pid != 0 && t >= lateFromNs) lateSwitchIns.merge(pid, 1, Integer::sum);
    }

    @Override
    public void taskName(int pid, int tgid, String name) { comm.put(pid, name); }

    @Override
    public void migrate(long t, int pid, String name, int from, int to, String kind) {}

    @Override
    public void nrRunning(long t, int cpu, int n) {}

    @Override
    public void overhead(long t, int cpu, String kind, long ns) {}
}
