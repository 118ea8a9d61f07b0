package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.metrics.ScheduleSink;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Runs workloads through the Runner for the generator tests and checks what every run must satisfy. */
final class Sim {
    private Sim() {}

    static JsonNode run(String topology, String policy, String workload, long durationNs, boolean costs) {
        RunSpec s = RunSpec.of(topology, policy, workload, durationNs, 1);
        s.costs = costs;
        s.costProfile = costs ? org.schedlab.TestProfiles.noBoost() : null;
        s.timelineBuckets = 0;
        JsonNode r = Runner.run(s);
        conserved(r);
        return r;
    }

    /** A run measured from t = 0 (no warm-up), with costs, the given seed and policy. */
    static RunSpec spec(String topology, String policy, String workload, long durationNs, long seed) {
        RunSpec s = RunSpec.of(topology, policy, workload, durationNs, seed);
        s.warmupNs = 0;
        s.timelineBuckets = 0;
        return s;
    }

    static JsonNode run(RunSpec spec) {
        JsonNode r = Runner.run(spec);
        conserved(r);
        return r;
    }

    /** Total work the run's tasks asked for, in ns. */
    static double demanded(JsonNode r) { return r.get("metrics").get("work_ns").get("demanded").asDouble(); }

    /**
     * Standard deviation of the sum of {@code n} draws of {@code uniform(lo, hi)}: the spread of a start-up made of
     * {@code n} fork gaps.
     */
    static double sumOfUniformsSd(int n, double lo, double hi) { return Math.sqrt(n / 12.0) * (hi - lo); }

    /**
     * One task's creation as the schedule shows it: who forked it and when (the time of the fork charged to the
     * parent), and where it first ran ({@code firstCpu} −1 if it never did). Initial tasks have {@code parent} −1.
     */
    record Birth(int pid, int parent, String comm, long forkedAt, int firstCpu, long firstRanAt) {}

    /** The run's result with the creation of every task, in pid order (needs costs: forks are seen by their charge). */
    record Births(JsonNode result, List<Birth> tasks) {
        List<Birth> childrenOf(int pid) { return tasks.stream().filter(b -> b.parent == pid).toList(); }

        List<Birth> named(String comm) { return tasks.stream().filter(b -> b.comm.equals(comm)).toList(); }

        Birth only(String comm) {
            List<Birth> n = named(comm);
            assertThat(n).as(comm).hasSize(1);
            return n.get(0);
        }
    }

    static Births births(RunSpec spec) {
        assertThat(spec.costs).as("fork times are read from the fork charge").isTrue();
        Map<Integer, long[]> born = new LinkedHashMap<>();   // pid -> {parent, forkedAt, firstCpu, firstRanAt}
        Map<Integer, String> comms = new LinkedHashMap<>();
        long[] lastFork = {-1};
        ScheduleSink sink = new ScheduleSink() {
            @Override public void switchTo(long t, int cpu, int pid, String comm) {
                long[] b = born.get(pid);
                if (b != null && b[2] < 0) {
                    b[2] = cpu;
                    b[3] = t;
                }
            }
            @Override public void migrate(long t, int pid, String comm, int from, int to, String kind) {}
            @Override public void nrRunning(long t, int cpu, int n) {}
            @Override public void overhead(long t, int cpu, String kind, long ns) {
                if (kind.equals("kernel_ns.fork")) lastFork[0] = t;
            }
            @Override public void taskName(int pid, int tgid, String comm) {
                boolean forked = tgid != pid;
                assertThat(!forked || lastFork[0] >= 0).as("fork of %d charged", pid).isTrue();
                born.put(pid, new long[]{forked ? tgid : -1, forked ? lastFork[0] : 0, -1, -1});
                comms.put(pid, comm);
                lastFork[0] = -1;
            }
        };
        JsonNode r = Runner.run(Runner.prepare(spec), sink);
        conserved(r);
        List<Birth> out = new ArrayList<>();
        born.forEach((pid, b) -> out.add(new Birth(pid, (int) b[0], comms.get(pid), b[1], (int) b[2], b[3])));
        return new Births(r, out);
    }

    static JsonNode run(String topology, String workload, long durationNs) {
        return run(topology, "linux-wake", workload, durationNs, true);
    }

    static double value(JsonNode r) { return r.get("throughput").get("value").asDouble(); }

    static long markCount(JsonNode r, String mark) { return r.get("metrics").get("marks").get(mark).get("count").asLong(); }

    static double markP99Us(JsonNode r, String mark) {
        return r.get("metrics").get("marks").get(mark).get("latency_us").get("p99").asDouble();
    }

    /** demanded + refill = executed + pending. */
    static void conserved(JsonNode r) {
        JsonNode w = r.get("metrics").get("work_ns");
        double in = w.get("demanded").asDouble() + w.get("refill").asDouble();
        double out = w.get("executed").asDouble() + w.get("pending").asDouble();
        assertThat(out).isCloseTo(in, within(Math.max(2.0, 1e-6 * in)));
    }

    static <T extends Op> List<T> ops(TaskTemplate t, Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Op op : t.program) if (kind.isInstance(op)) out.add(kind.cast(op));
        return out;
    }

    static double ms(long ns) { return ns / 1e6; }
}
