package org.schedlab.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.engine.EventQueue;
import org.schedlab.engine.Rng;
import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.kernel.RunOutcome;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import java.util.List;

/**
 * The speed benchmark: the runs people make (a wakeup-heavy ping-pong, hackbench, schbench, tbench on 2×EPYC, a
 * 4096-CPU machine at 70% load), each timed against a bare event loop doing the same number of events on a queue
 * of the run's mean size, with the allocation per event from the JVM's thread counters.
 */
public final class Bench {
    private Bench() {}

    /** Pairs of tasks that hand a token back and forth with {@code runNs} of work per hand-off. */
    public static WorkloadSpec pingPong(int pairs, long runNs) {
        WorkloadSpec w = new WorkloadSpec("pingpong");
        w.channels = 2 * pairs;
        for (int p = 0; p < pairs; p++) {
            int a = 2 * p, b = 2 * p + 1;
            Op[] ping = {new Op.LoopBegin(-1), new Op.Run(Dist.constant(runNs)), new Op.Signal(b, false, true),
                    new Op.Wait(a), new Op.LoopEnd(0)};
            Op[] pong = {new Op.LoopBegin(-1), new Op.Wait(b), new Op.Run(Dist.constant(runNs)),
                    new Op.Signal(a, false, true), new Op.LoopEnd(0)};
            w.addTemplate(new TaskTemplate("ping", ping, 1));
            w.addTemplate(new TaskTemplate("pong", pong, 1));
        }
        return w;
    }

    /** N tasks that each run {@code runNs}, then sleep for an exponential time of mean {@code sleepMeanNs}, forever. */
    public static WorkloadSpec sleepers(int n, long runNs, double sleepMeanNs) {
        WorkloadSpec w = new WorkloadSpec("sleepers");
        Op[] prog = {new Op.LoopBegin(-1), new Op.Run(Dist.constant(runNs)), new Op.Sleep(Dist.exp(sleepMeanNs)), new Op.LoopEnd(0)};
        w.addTemplate(new TaskTemplate("sleeper", prog, n));
        return w;
    }

    /**
     * One row of the suite: a machine, a workload (a spec, or {@code build} for one made here) and a simulated
     * length sized for a few wall seconds.
     */
    public record Scenario(String name, String topology, String workload, long simNs, String what,
                           java.util.function.Supplier<WorkloadSpec> build) {
        Scenario(String name, String topology, String workload, long simNs, String what) {
            this(name, topology, workload, simNs, what, null);
        }
    }

    /**
     * Poisson arrivals of 10 ms jobs at {@code load} of what the machine can serve with every CPU busy: its
     * capacity with both SMT threads of each core busy ({@code smtSpeed} each) and its packages at their
     * all-thread boost, so the queue stays stable.
     */
    static String poissonAt(String topology, double load) {
        RunSpec spec = RunSpec.of(topology, "pull", "poisson", 1_000_000L, 1);
        Runner.Prepared p = Runner.prepare(spec);
        org.schedlab.topology.Topology t = p.topology;
        MachineConfig cfg = p.config;
        double cpus = 0;
        for (int k = 0; k < t.nrCores(); k++) {
            org.schedlab.topology.CpuSet core = t.coreSpan(k);
            int threads = core.cardinality();
            double each = threads > 1 ? cfg.smtSpeed * cfg.costs.boostAllThreads : cfg.costs.boostAllCores;
            for (int c = core.first(); c >= 0; c = core.nextSetBit(c + 1)) cpus += each * t.capacityOf(c) / 1024.0;
        }
        return "poisson:rate=" + Math.round(load * cpus / SERVICE_S) + ",service=exp:10ms";
    }

    private static final double SERVICE_S = 0.010;

    /** The runs people make, from the light ping-pong to a 4096-CPU machine at about 70% load. */
    private static final String BIG = "synthetic:packages=8,llcs=16,cores=16,smt=2";

    public static final List<Scenario> SCENARIOS = List.of(
            new Scenario("pingpong", "epyc-9654-2s", null, 300_000_000L, "96 ping-pong pairs, 80us per hand-off",
                    () -> pingPong(96, 80_000)),
            new Scenario("hackbench16", "epyc-7763-2s", "hackbench:groups=16", 200_000_000L, "hackbench, 16 groups (640 tasks)"),
            new Scenario("schbench512", "epyc-7763-2s", "schbench:workers=512", 300_000_000L, "schbench, 512 workers"),
            new Scenario("tbench1024", "epyc-7763-2s", "tbench:clients=1024", 300_000_000L, "tbench, 1024 clients (2048 tasks)"),
            new Scenario("big4096", BIG, poissonAt(BIG, 0.7), 100_000_000L,
                    "4096 CPUs, Poisson arrivals of 10 ms jobs at 70% of their capacity with every thread busy"));

    /** Machine size at one load per CPU, and task count at one load per machine: how an event's cost scales. */
    public static final List<Scenario> SCALING = List.of(
            cpus(64, "packages=1,llcs=2"), cpus(256, "packages=2,llcs=4"), cpus(1024, "packages=4,llcs=8"),
            cpus(4096, "packages=8,llcs=16"),
            tasks(100), tasks(1_000), tasks(10_000), tasks(100_000));

    /** {@code n} CPUs (16 SMT-2 cores per LLC) at 70% load of Poisson-arriving 10 ms jobs, ~100k arrivals. */
    private static Scenario cpus(int n, String shape) {
        String topo = "synthetic:" + shape + ",cores=16,smt=2";
        return new Scenario("cpus" + n, topo, poissonAt(topo, 0.7), 100_000_000L * 4096 / n,
                n + " CPUs, Poisson arrivals of 10 ms jobs at 70% of their capacity");
    }

    /** {@code n} tasks on 2×EPYC 7763 (256 CPUs) running 100 µs bursts that keep 90 CPUs busy between them. */
    private static Scenario tasks(int n) {
        double busyCpus = 90, duty = Math.min(1, busyCpus / n);
        double sleepMean = 100_000 * (1 / duty - 1);
        return new Scenario("tasks" + n, "epyc-7763-2s", null, 200_000_000L,
                n + " tasks of 100 us bursts, 90 CPUs' worth of work", () -> sleepers(n, 100_000, Math.max(1, sleepMean)));
    }

    public static final List<String> POLICIES = List.of("pull", "push", "push:nohz=per-llc");

    public static Scenario scenario(String name) {
        for (Scenario s : SCENARIOS) if (s.name().equals(name)) return s;
        for (Scenario s : SCALING) if (s.name().equals(name)) return s;
        throw new org.schedlab.InputError("unknown bench scenario '" + name + "'; known: "
                + java.util.stream.Stream.concat(SCENARIOS.stream(), SCALING.stream()).map(Scenario::name)
                .collect(java.util.stream.Collectors.joining(", ")));
    }

    private static Runner.Prepared prepare(Scenario sc, String policy, long simNs) {
        RunSpec spec = RunSpec.of(sc.topology(), policy, sc.workload() == null ? "poisson" : sc.workload(), simNs, 1);
        spec.timelineBuckets = 0;
        Runner.Prepared p = Runner.prepare(spec);
        if (sc.build() == null) return p;
        return new Runner.Prepared(spec, p.topology, p.policy, sc.build().get(), p.config);
    }

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    /**
     * One row: a JIT warm-up run of the same length (a shorter one leaves the 4096-CPU rows partly interpreted),
     * then the best of {@code repeat} timed runs, and the
     * bare event loop on the same number of events with the run's mean queue size, timed the same way.
     */
    public static ObjectNode row(Scenario sc, String policy, double scale, int repeat) {
        long simNs = Math.max(1_000_000L, Math.round(sc.simNs() * scale));
        Runner.Prepared warm = prepare(sc, policy, simNs);
        // the warm-up also weighs what a machine keeps: heap in use after a GC, with and without it
        long heap0 = usedHeapAfterGc();
        Machine wm = new Machine(warm.topology, warm.policy.policy, warm.policy.options, warm.workload, warm.config);
        RunOutcome wo = wm.run();
        long heap = usedHeapAfterGc() - heap0;
        java.lang.ref.Reference.reachabilityFence(wm);
        RunOutcome out = null;
        long wall = Long.MAX_VALUE, alloc = Long.MAX_VALUE;
        for (int i = 0; i < repeat; i++) {
            Runner.Prepared p = prepare(sc, policy, simNs);
            Machine m = new Machine(p.topology, p.policy.policy, p.policy.options, p.workload, p.config);
            long a0 = THREADS.getCurrentThreadAllocatedBytes(), t0 = System.nanoTime();
            out = m.run();
            wall = Math.min(wall, System.nanoTime() - t0);
            alloc = Math.min(alloc, THREADS.getCurrentThreadAllocatedBytes() - a0);
        }
        int queue = (int) Math.max(16, out.rec.counts().getOrDefault("event_queue.mean_size", 16L));
        bareLoop(Math.max(1, out.events / 4), queue);
        long bare = Long.MAX_VALUE, sink = 0;
        for (int i = 0; i < repeat; i++) {
            long t1 = System.nanoTime();
            sink += bareLoop(out.events, queue);
            bare = Math.min(bare, System.nanoTime() - t1);
        }
        ObjectNode o = Runner.JSON.createObjectNode();
        o.put("scenario", sc.name());
        o.put("policy", policy);
        o.put("cpus", warm.topology.nrCpus());
        o.put("sim_time_ns", out.simTimeNs);
        o.put("events", out.events);
        o.put("us_per_event", Runner.round(wall / 1e3 / Math.max(1, out.events), 3));
        o.put("bare_us_per_event", Runner.round(bare / 1e3 / Math.max(1, out.events), 4));
        o.put("ratio", Runner.round((double) wall / Math.max(1, bare), 2));
        o.put("wall_per_sim_s", Runner.round((wall / 1e9) / (out.simTimeNs / 1e9), 3));
        o.put("alloc_bytes_per_event", Runner.round((double) alloc / Math.max(1, out.events), 1));
        o.put("tasks_created", out.rec.tasksCreated);
        o.put("heap_bytes_per_task", Math.max(0, heap / Math.max(1, wo.taskExecNs.length)));
        o.put("checksum", sink & 0xff);
        return o;
    }

    /** Every scenario × policy; {@code worst_ratio} is the largest ratio to the bare loop. */
    public static ObjectNode suite(List<Scenario> scenarios, List<String> policies, double scale, int repeat,
                                   java.util.function.Consumer<ObjectNode> onRow) {
        ObjectNode root = Runner.JSON.createObjectNode();
        root.put("schema", "schedlab-bench/2");
        root.put("scale", scale);
        com.fasterxml.jackson.databind.node.ArrayNode rows = root.putArray("rows");
        double worst = 0;
        String worstRow = "";
        for (Scenario sc : scenarios)
            for (String pol : policies) {
                ObjectNode r = row(sc, pol, scale, repeat);
                rows.add(r);
                if (onRow != null) onRow.accept(r);
                if (r.get("ratio").asDouble() > worst) {
                    worst = r.get("ratio").asDouble();
                    worstRow = sc.name() + " " + pol;
                }
            }
        root.put("worst_ratio", worst);
        root.put("worst_row", worstRow);
        return root;
    }

    private static long usedHeapAfterGc() {
        java.lang.management.MemoryMXBean mem = java.lang.management.ManagementFactory.getMemoryMXBean();
        mem.gc();
        return mem.getHeapMemoryUsage().getUsed();
    }

    /** Pops and re-schedules {@code events} events on a queue holding {@code size}; returns a checksum. */
    static long bareLoop(long events, int size) {
        EventQueue q = new EventQueue();
        Rng r = new Rng(7);
        for (int i = 0; i < size; i++) q.schedule(r.nextInt(100_000), i & 7, i, 0);
        long sum = 0;
        for (long e = 0; e < events; e++) {
            q.pop();
            sum += q.a() + q.type();
            q.schedule(q.time() + 1 + r.nextInt(100_000), q.type(), q.a(), q.b());
        }
        return sum;
    }
}
