package org.schedlab.experiment;

import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.kernel.RunOutcome;
import org.schedlab.metrics.ScheduleSink;
import org.schedlab.policy.Policies;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.Presets;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * The validation ladder: conservation, queueing closed forms (Erlang C, M/M/1, the supermarket model,
 * Little's law), work conservation, fairness, affinity, wake-affine locality, newidle reaction time, the
 * fair class's own closed forms and published measurements ({@link PublishedTables}, {@link PublishedMechanisms}). Each check compares a measurement with a value nobody tuned the simulator to,
 * within a tolerance derived from the run-to-run confidence interval or stated exactly.
 */
public final class Validation {
    /**
     * One line of the ladder. A check against a real machine's published result ({@link #againstMachine}) may fail
     * where the model does not reproduce it; every other check is the simulator's own correctness.
     */
    public static final class Check {
        public final String name, unit;
        public final double measured, expected, tolerance;
        public final boolean pass;
        /** A comparison with a real machine's published result: it may fail where the model does not reproduce it. */
        public final boolean againstMachine;
        /** Why a failing check fails, as far as it is known; null when it passes or nothing is known. */
        public final String known;

        Check(String name, double measured, double expected, double tolerance, String unit) {
            this(name, measured, expected, tolerance, unit, Math.abs(measured - expected) <= tolerance && !Double.isNaN(measured));
        }

        Check(String name, double measured, double expected, double tolerance, String unit, boolean pass) {
            this(name, measured, expected, tolerance, unit, pass, false, null);
        }

        Check(String name, double measured, double expected, double tolerance, String unit, boolean pass, boolean againstMachine) {
            this(name, measured, expected, tolerance, unit, pass, againstMachine, null);
        }

        Check(String name, double measured, double expected, double tolerance, String unit, boolean pass,
              boolean againstMachine, String known) {
            this.name = name;
            this.measured = measured;
            this.expected = expected;
            this.tolerance = tolerance;
            this.unit = unit;
            this.pass = pass;
            this.againstMachine = againstMachine;
            this.known = pass ? null : known;
        }
    }

    /** Sizes: the test suite uses small ones, {@code schedlab validate} large ones. */
    public static final class Size {
        final int seeds;
        final long queueNs;
        final int pick2Cpus;
        final PublishedTables.Size published;
        final MainlineCurves.Size curves;
        final PublishedMechanisms.Size mechanisms;

        private Size(int seeds, long queueNs, int pick2Cpus, PublishedTables.Size published, MainlineCurves.Size curves,
                     PublishedMechanisms.Size mechanisms) {
            this.seeds = seeds;
            this.queueNs = queueNs;
            this.pick2Cpus = pick2Cpus;
            this.published = published;
            this.curves = curves;
            this.mechanisms = mechanisms;
        }

        public static Size small() {
            return new Size(5, 4_000_000_000L, 64, PublishedTables.Size.small(), MainlineCurves.Size.small(),
                    PublishedMechanisms.Size.small());
        }

        public static Size full() {
            return new Size(10, 20_000_000_000L, 128, PublishedTables.Size.full(), MainlineCurves.Size.full(),
                    PublishedMechanisms.Size.full());
        }
    }

    private final Size size;
    private final int jobs;
    private final HeadlineCache cache;

    public Validation(Size size, int jobs) { this(size, jobs, null); }

    /** Validation whose published-machine runs reuse and record headlines in {@code cache} (null: none). */
    public Validation(Size size, int jobs, HeadlineCache cache) {
        this.size = size;
        this.jobs = Math.max(1, jobs);
        this.cache = cache;
    }

    public List<Check> run() {
        // one pool runs the published-machine simulations of all four parts; the parts themselves, and the
        // closed-form checks, run beside it, the published ones submitted first so their runs queue early
        RunPool runs = RunPool.of(jobs, cache);
        List<Supplier<List<Check>>> parts = List.of(this::conservation, this::erlangC, this::mm1, this::supermarket,
                this::little, this::workConservation, this::fairness, this::affinity, this::wakeAffine,
                this::newidleReaction, this::eevdf, this::pelt,
                () -> PublishedTables.published(size.published, runs), () -> PublishedTables.robustness(size.published, runs),
                () -> MainlineCurves.checks(size.curves, runs), () -> PublishedMechanisms.check(size.mechanisms, runs));
        int published = 4;
        ExecutorService pool = Executors.newFixedThreadPool(jobs + published);
        try {
            List<Future<List<Check>>> fs = new ArrayList<>(parts.size());
            for (int i = 0; i < parts.size(); i++) fs.add(null);
            for (int i = parts.size() - published; i < parts.size(); i++) fs.set(i, pool.submit(parts.get(i)::get));
            for (int i = 0; i < parts.size() - published; i++) fs.set(i, pool.submit(parts.get(i)::get));
            List<Check> out = new ArrayList<>();
            for (Future<List<Check>> f : fs) out.addAll(f.get());
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
        } finally {
            pool.shutdownNow();
            runs.close();
        }
    }

    // ------------------------------------------------------------------------------------------ helpers

    private static MachineConfig cfg(long durationNs, long seed, boolean costs, boolean slice) {
        return MachineConfig.of(durationNs, seed, costs, slice);
    }

    private static RunOutcome run(Topology t, String policy, WorkloadSpec w, MachineConfig c) {
        Policies.Resolved p = Policies.resolve(policy);
        return new Machine(t, p.policy, p.options, w, c).run();
    }

    private static WorkloadSpec poisson(double rate) {
        return Workloads.parse("poisson:rate=" + rate + ",service=exp:1ms");
    }

    /** Mean response time (in service times) over seeds, with its 99% confidence half-width. */
    private double[] responseOverSeeds(String topo, String policy, double rate) {
        double[] r = new double[size.seeds];
        for (int s = 0; s < size.seeds; s++) {
            RunOutcome o = run(Synthetic.parse(topo), policy, poisson(rate), cfg(size.queueNs, s + 1, false, false));
            r[s] = o.rec.responseTime.getMean() / 1e6;
        }
        return new double[]{Stats.amean(r), Stats.ciHalfWidth(Stats.stdev(r), r.length, 0.99)};
    }

    /** Erlang C: the probability that an arrival waits in an M/M/c queue with offered load {@code a}. */
    public static double erlangC(int c, double a) {
        double sum = 0, term = 1;
        for (int k = 0; k < c; k++) {
            if (k > 0) term *= a / k;
            sum += term;
        }
        double last = term * a / c * c / (c - a);
        return last / (sum + last);
    }

    private static WorkloadSpec hogs(int n, CpuSet allowed) {
        WorkloadSpec w = new WorkloadSpec("hogs");
        TaskTemplate t = new TaskTemplate("hog", new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(10_000_000)),
                new Op.LoopEnd(0)}, n);
        t.allowed = allowed;
        w.addTemplate(t);
        return w;
    }

    // ------------------------------------------------------------------------------------------ checks

    private List<Check> conservation() {
        List<Check> out = new ArrayList<>();
        long worstTime = 0;
        double worstWork = 0;
        long worstExec = 0;
        String[] policies = {"linux-wake", "pull", "push", "global"};
        String[] workloads = {"poisson:rate=40000,service=exp:300us", "hackbench:groups=2", "schbench:workers=16"};
        for (String p : policies)
            for (String w : workloads) {
                RunOutcome o = run(Synthetic.parse("synthetic:llcs=2,cores=4,smt=2"), p, Workloads.parse(w),
                        cfg(200_000_000L, 3, true, true));
                long busy = 0, exec = 0;
                for (int c = 0; c < o.busyNs.length; c++) {
                    worstTime = Math.max(worstTime, Math.abs(o.busyNs[c] + o.idleNs[c] + o.overheadNs[c] - o.simTimeNs));
                    busy += o.busyNs[c];
                }
                for (long x : o.taskExecNs) exec += x;
                worstExec = Math.max(worstExec, Math.abs(exec - busy));
                double lhs = o.workDemanded + o.refillDemanded, rhs = o.workExecuted + o.workPending;
                worstWork = Math.max(worstWork, Math.abs(lhs - rhs) / Math.max(1, lhs));
            }
        out.add(new Check("conservation: busy+idle+overhead = duration per CPU", worstTime, 0, 0, "ns"));
        out.add(new Check("conservation: task CPU time = CPU busy time", worstExec, 0, 0, "ns"));
        out.add(new Check("conservation: work demanded = executed + pending", worstWork, 0, 1e-9, "relative"));
        return out;
    }

    private List<Check> erlangC() {
        List<Check> out = new ArrayList<>();
        int c = 16;
        for (double rho : new double[]{0.5, 0.85}) {
            double lambda = rho * c * 1000;
            double expected = 1 + erlangC(c, lambda / 1000) / (c - lambda / 1000);
            double[] m = responseOverSeeds("synthetic:cores=" + c, "global", lambda);
            out.add(new Check(String.format("global = M/M/%d (Erlang C), rho=%.2f: mean response", c, rho), m[0], expected, m[1], "service times"));
        }
        return out;
    }

    private List<Check> mm1() {
        List<Check> out = new ArrayList<>();
        int c = 16;
        for (double rho : new double[]{0.5, 0.8}) {
            double expected = 1 / (1 - rho);
            double[] m = responseOverSeeds("synthetic:cores=" + c, "random", rho * c * 1000);
            out.add(new Check(String.format("random = %d x M/M/1, rho=%.2f: mean response", c, rho), m[0], expected, m[1], "service times"));
        }
        return out;
    }

    private List<Check> supermarket() {
        List<Check> out = new ArrayList<>();
        int c = size.pick2Cpus;
        double rho = 0.9;
        double expected = 0;
        for (int i = 1; i < 40; i++) expected += Math.pow(rho, Math.pow(2, i) - 2);
        double[] m = responseOverSeeds("synthetic:cores=" + c, "pick2", rho * c * 1000);
        // finite c sits slightly above the c → ∞ limit: allow the CI plus a 3% finite-size margin
        out.add(new Check(String.format("pick2 -> supermarket limit, c=%d, rho=%.2f: mean response", c, rho), m[0],
                expected, m[1] + 0.03 * expected, "service times"));
        return out;
    }

    private List<Check> little() {
        List<Check> out = new ArrayList<>();
        double worst = 0;
        for (String p : new String[]{"global", "random", "pick2", "linux-wake", "pull", "push"}) {
            RunOutcome o = run(Synthetic.parse("synthetic:llcs=2,cores=8"), p, poisson(12000), cfg(size.queueNs / 2, 9, true, true));
            double t = (o.simTimeNs - o.measureStart) / 1e9;
            double l = o.rec.liveTaskNs / (t * 1e9);
            double lambdaW = o.rec.jobsCompleted / t * o.rec.responseTime.getMean() / 1e9;
            worst = Math.max(worst, Math.abs(l - lambdaW) / l);
        }
        // jobs still in the system at the end bias L against λW by about L/N: well under 1%
        out.add(new Check("Little's law L = lambda W, every policy (worst)", worst, 0, 0.01, "relative"));
        return out;
    }

    private List<Check> workConservation() {
        List<Check> out = new ArrayList<>();
        RunOutcome g = run(Synthetic.parse("synthetic:llcs=2,cores=8"), "global", poisson(14000), cfg(size.queueNs / 4, 1, false, false));
        out.add(new Check("work conservation: global idle while a task waits", g.rec.idleWhileOverloadedNs, 0, 0, "ns"));
        RunOutcome p = run(Synthetic.parse("synthetic:llcs=2,cores=8"), "pull", poisson(14000), cfg(size.queueNs / 4, 1, true, true));
        out.add(new Check("work conservation: pull reports idle-while-overloaded time (> 0)",
                p.rec.idleWhileOverloadedNs, 0, 0, "ns", p.rec.idleWhileOverloadedNs > 0));
        return out;
    }

    private List<Check> fairness() {
        List<Check> out = new ArrayList<>();
        // global and the never-moving references do not time-share tasks across CPUs: only balancers are checked
        for (String policy : new String[]{"pull", "push", "push:nohz=per-llc", "shared-runq"}) {
            int cpus = 8, k = 3;
            MachineConfig c = cfg(4_000_000_000L, 2, true, true);
            c.warmupNs = 1_000_000_000L;
            RunOutcome o = run(Synthetic.parse("synthetic:llcs=2,cores=4"), policy, hogs(k * cpus, null), c);
            long total = 0, min = Long.MAX_VALUE;
            for (long x : o.taskExecNs) {
                total += x;
                min = Math.min(min, x);
            }
            double share = (double) total / o.taskExecNs.length;
            double worst = 0;
            for (long x : o.taskExecNs) worst = Math.max(worst, Math.abs(x - share) / share);
            out.add(new Check("fairness: " + k + "x" + cpus + " hogs on " + cpus + " CPUs under " + policy
                    + ", worst deviation from M*T/(kM) after 1 s", worst, 0, 0.05, "relative"));
        }
        return out;
    }

    private List<Check> affinity() {
        List<Check> out = new ArrayList<>();
        int violations = 0;
        for (String policy : Policies.names()) {
            Topology t = Synthetic.parse("synthetic:llcs=2,cores=4,smt=2");
            WorkloadSpec w = new WorkloadSpec("pinned");
            for (int i = 0; i < 6; i++) {
                TaskTemplate tt = new TaskTemplate("p" + i, new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.exp(300_000)),
                        new Op.Sleep(Dist.exp(200_000)), new Op.LoopEnd(0)}, 3);
                tt.allowed = CpuSet.of(16, i, (i + 5) % 16, (i + 11) % 16);
                w.addTemplate(tt);
            }
            MachineConfig c = cfg(100_000_000L, 4, true, true);
            c.checkInvariants = true;
            final int[] bad = {0};
            Policies.Resolved p = Policies.resolve(policy);
            Machine m = new Machine(t, p.policy, p.options, w, c);
            m.setScheduleSink(new ScheduleSink() {
                final java.util.Map<Integer, String> comm = new java.util.HashMap<>();
                @Override public void switchTo(long time, int cpu, int pid, String name) {
                    if (pid == 0) return;
                    int idx = Integer.parseInt(name.substring(1));
                    if (cpu != idx && cpu != (idx + 5) % 16 && cpu != (idx + 11) % 16) bad[0]++;
                }
                @Override public void migrate(long time, int pid, String name, int from, int to, String kind) {}
                @Override public void nrRunning(long time, int cpu, int n) {}
                @Override public void overhead(long time, int cpu, String kind, long ns) {}
                @Override public void taskName(int pid, int tgid, String name) { comm.put(pid, name); }
            });
            m.run();
            violations += bad[0];
        }
        out.add(new Check("affinity: a task never runs outside its allowed CPUs, every policy", violations, 0, 0, "runs"));
        return out;
    }

    private List<Check> wakeAffine() {
        List<Check> out = new ArrayList<>();
        for (String policy : new String[]{"linux-wake", "pull"}) {
            RunOutcome o = run(Presets.get("epyc-7763-2s"), policy, Bench.pingPong(8, 30_000), cfg(200_000_000L, 5, true, true));
            long same = o.rec.counts().getOrDefault("wakeups.same_llc", 0L);
            long cross = o.rec.counts().getOrDefault("wakeups.cross_llc", 0L);
            double frac = same / (double) Math.max(1, same + cross);
            out.add(new Check("wake-affine: ping-pong pairs wake inside the waker's LLC under " + policy
                    + " (fraction, >= 0.95)", frac, 1, 0.05, "fraction"));
        }
        return out;
    }

    private List<Check> newidleReaction() {
        List<Check> out = new ArrayList<>();
        Topology t = Synthetic.parse("synthetic:llcs=2,cores=4");
        WorkloadSpec w = new WorkloadSpec("newidle");
        CpuSet all = CpuSet.full(8);
        for (String n : new String[]{"a", "b"}) {
            TaskTemplate h = new TaskTemplate(n, new Op[]{new Op.SetAffinity(all), new Op.LoopBegin(-1),
                    new Op.Run(Dist.constant(10_000_000)), new Op.LoopEnd(1)}, 1);
            h.allowed = CpuSet.of(8, 0);
            w.addTemplate(h);
        }
        TaskTemplate s = new TaskTemplate("short", new Op[]{new Op.Run(Dist.constant(5_000_000)), new Op.Exit()}, 1);
        s.allowed = CpuSet.of(8, 1);
        w.addTemplate(s);
        for (int c = 2; c < 8; c++) {
            TaskTemplate b = new TaskTemplate("busy" + c, new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(10_000_000)),
                    new Op.LoopEnd(0)}, 1);
            b.allowed = CpuSet.of(8, c);
            w.addTemplate(b);
        }
        final long[] first = {-1};
        Policies.Resolved p = Policies.resolve("pull");
        MachineConfig mc = cfg(20_000_000L, 1, true, true);
        mc.costs.workJitter = 0;
        Machine m = new Machine(t, p.policy, p.options, w, mc);
        m.setScheduleSink(new ScheduleSink() {
            @Override public void switchTo(long time, int cpu, int pid, String name) {}
            @Override public void migrate(long time, int pid, String name, int from, int to, String kind) {
                if (kind.equals("newidle") && first[0] < 0) first[0] = time;
            }
            @Override public void nrRunning(long time, int cpu, int n) {}
            @Override public void overhead(long time, int cpu, String kind, long ns) {}
            @Override public void taskName(int pid, int tgid, String name) {}
        });
        m.run();
        double us = first[0] < 0 ? Double.NaN : (first[0] - 5_000_000L) / 1e3;
        out.add(new Check("newidle: a CPU going idle next to a waiting task pulls it within 50 us", us, 25, 25, "us"));
        return out;
    }

    private List<Check> eevdf() {
        List<Check> out = new ArrayList<>();
        CpuSet one = CpuSet.of(8, 0);
        MachineConfig c = cfg(1_000_000_000L, 1, false, true);
        c.hz = 1000;
        RunOutcome o = run(Synthetic.parse("synthetic:cores=8"), "linux-wake", hogs(2, one), c);
        out.add(new Check("EEVDF: two hogs on one CPU switch every 3 ms at HZ=1000 (2.8 ms slice)",
                1000.0 / o.rec.contextSwitches, 3.0, 0.05, "ms"));
        WorkloadSpec w = new WorkloadSpec("nice");
        TaskTemplate a = new TaskTemplate("n0", new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(10_000_000)), new Op.LoopEnd(0)}, 1);
        a.allowed = one;
        TaskTemplate b = new TaskTemplate("n5", new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(10_000_000)), new Op.LoopEnd(0)}, 1);
        b.allowed = one;
        b.nice = 5;
        w.addTemplate(a);
        w.addTemplate(b);
        RunOutcome n = run(Synthetic.parse("synthetic:cores=8"), "linux-wake", w, cfg(4_000_000_000L, 1, false, true));
        double ratio = (double) n.taskExecNs[0] / n.taskExecNs[1];
        out.add(new Check("EEVDF: nice 0 vs nice 5 CPU share = 1024/335", ratio, 1024.0 / 335, 0.04 * 1024 / 335, "ratio"));
        return out;
    }

    private List<Check> pelt() {
        List<Check> out = new ArrayList<>();
        // a 25% duty task: the time average of util_avg is 256 whatever the ripple
        WorkloadSpec w = new WorkloadSpec("duty");
        w.addTemplate(new TaskTemplate("duty", new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(2_500_000)),
                new Op.Sleep(Dist.constant(7_500_000)), new Op.LoopEnd(0)}, 1));
        MachineConfig c = cfg(3_000_000_000L, 1, false, true);
        final double[] acc = {0, 0};
        Policies.Resolved p = Policies.resolve("linux-wake");
        // linux-wake plus a timer that samples the CPUs' util_avg every ~1 ms, each brought up to the sample's time
        // (sched_balance_update_blocked_averages): PELT itself, not how long ago the kernel last looked
        org.schedlab.policy.SchedPolicy probe = new org.schedlab.policy.ForwardingPolicy(p.policy) {
            private org.schedlab.policy.IpiVector sample;

            @Override public void init(org.schedlab.policy.SchedContext ctx) {
                super.init(ctx);
                sample = ctx.registerIpi("probe", (cpu, arg) -> {
                    org.schedlab.policy.RqReader rq = ctx.reader(cpu, "probe");
                    double u = 0;
                    for (int i = 0; i < ctx.nrCpus(); i++) {
                        ctx.updateBlockedAverages(i);
                        u += rq.util(i);
                    }
                    acc[0] += u;
                    acc[1]++;
                    ctx.callLater(0, 997_000, sample, 0);
                });
                ctx.callLater(0, 1_000_000_000L, sample, 0);
            }
        };
        new Machine(Synthetic.parse("synthetic:cores=2"), probe, p.options, w, c).run();
        out.add(new Check("PELT: 25% duty task, time-averaged util_avg", acc[0] / acc[1], 256, 256 * 0.04, "of 1024"));
        return out;
    }
}
