package org.schedlab.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks against real measurements. The distributed-nohz series (20250904041516.3046-1-kprateek.nayak@amd.com)
 * published, on a 2 × EPYC 7763 (128 cores, 256 CPUs), {@code sd_nohz} normalised to {@code tip}: every
 * hackbench, tbench and netperf row lies within ±5% of parity. Here {@code tip} is {@code pull} and
 * {@code sd_nohz} is {@code pull:nohz=per-llc}; each simulated row must be within ±5% of parity too.
 *
 * <p>Robustness: a comparison between policies counts only if it survives what does not matter on a real
 * machine. For each oversubscribed row, push against pull is measured as the real program starts, and again with
 * its fork gaps a quarter and four times as long, with twice the warm-up, and with every cost constant halved and
 * doubled; each variant's verdict must keep the sign and agree within the larger run-to-run CV.
 */
public final class PublishedTables {
    private PublishedTables() {}

    /** One published row: workload parameter value and sd_nohz / tip as published. */
    record Row(String workload, String param, int value, double published) {
        String spec(String extra) { return workload + ":" + param + "=" + value + extra; }
    }

    static final String TOPOLOGY = "epyc-7763-2s";
    static final String TIP = "pull", SD_NOHZ = "pull:nohz=per-llc";

    /** hackbench normalised time (lower is better), 1–16 groups. */
    static final Row[] HACKBENCH = {new Row("hackbench", "groups", 1, 0.96), new Row("hackbench", "groups", 2, 1.00),
            new Row("hackbench", "groups", 4, 0.98), new Row("hackbench", "groups", 8, 0.99),
            new Row("hackbench", "groups", 16, 1.01)};
    /** tbench normalised throughput (higher is better), 1–1024 clients. */
    static final Row[] TBENCH = {new Row("tbench", "clients", 1, 1.02), new Row("tbench", "clients", 2, 1.01),
            new Row("tbench", "clients", 4, 1.00), new Row("tbench", "clients", 8, 1.01),
            new Row("tbench", "clients", 16, 0.99), new Row("tbench", "clients", 32, 0.99),
            new Row("tbench", "clients", 64, 1.00), new Row("tbench", "clients", 128, 1.02),
            new Row("tbench", "clients", 256, 1.01), new Row("tbench", "clients", 512, 1.01),
            new Row("tbench", "clients", 1024, 1.01)};
    /** netperf normalised throughput (higher is better), 1–512 clients. */
    static final Row[] NETPERF = {new Row("netperf-rr", "pairs", 1, 1.01), new Row("netperf-rr", "pairs", 2, 1.01),
            new Row("netperf-rr", "pairs", 4, 1.01), new Row("netperf-rr", "pairs", 8, 1.01),
            new Row("netperf-rr", "pairs", 16, 1.00), new Row("netperf-rr", "pairs", 32, 1.00),
            new Row("netperf-rr", "pairs", 64, 1.00), new Row("netperf-rr", "pairs", 128, 1.01),
            new Row("netperf-rr", "pairs", 256, 0.98), new Row("netperf-rr", "pairs", 512, 0.97)};

    /** How much is run: rows, seeds, durations. */
    public static final class Size {
        final int seeds;
        /**
         * Seeds of the hackbench rows: runs to completion last milliseconds at 1–2 groups on 256 CPUs and vary by
         * 30–40% from seed to seed, so five seeds cannot resolve ±5%; they are cheap.
         */
        final int hackbenchSeeds;
        final long steadyNs;
        final String hackbenchExtra;
        final int[] hackbenchGroups, tbenchClients, netperfPairs;
        final String robustTopology;
        final String[] robustRows;

        private Size(int seeds, int hackbenchSeeds, long steadyNs, String hackbenchExtra, int[] hackbenchGroups, int[] tbenchClients,
                     int[] netperfPairs, String robustTopology, String[] robustRows) {
            this.seeds = seeds;
            this.hackbenchSeeds = hackbenchSeeds;
            this.steadyNs = steadyNs;
            this.hackbenchExtra = hackbenchExtra;
            this.hackbenchGroups = hackbenchGroups;
            this.tbenchClients = tbenchClients;
            this.netperfPairs = netperfPairs;
            this.robustTopology = robustTopology;
            this.robustRows = robustRows;
        }

        int seedsOf(Row r) { return r.workload().equals("hackbench") ? hackbenchSeeds : seeds; }

        /** A few rows at reduced length: what the test suite runs. */
        public static Size small() {
            return new Size(3, 10, 200_000_000L, "", new int[]{4}, new int[]{16, 256}, new int[]{64},
                    "synthetic:packages=1,llcs=4,cores=4,smt=2", new String[]{"tbench:clients=64", "hackbench:groups=2"});
        }

        /** Every published row. */
        public static Size full() {
            return new Size(5, 40, 400_000_000L, "", new int[]{1, 2, 4, 8, 16}, new int[]{1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024},
                    new int[]{1, 2, 4, 8, 16, 32, 64, 128, 256, 512}, TOPOLOGY,
                    new String[]{"tbench:clients=512", "netperf-rr:pairs=512", "hackbench:groups=16", "schbench:workers=512"});
        }
    }

    static RunSpec spec(String topology, String policy, String workload, long durationNs, long seed) {
        RunSpec s = RunSpec.of(topology, policy, workload, durationNs, seed);
        s.timelineBuckets = 0;
        return s;
    }

    /** {@link #spec} whose statistics start after {@code warmupNs}. */
    static RunSpec spec(String topology, String policy, String workload, long durationNs, long seed, long warmupNs) {
        RunSpec s = spec(topology, policy, workload, durationNs, seed);
        s.warmupNs = warmupNs;
        return s;
    }

    /**
     * A throughput run measured as the published runs measure it, in steady state: statistics start once the
     * workload has started and the topology's slowest balancing level has run {@link Runner#STEADY_BALANCE_PASSES} times
     * ({@link #steadyWarmupNs}), then {@code windowNs} is measured.
     */
    static RunSpec steadySpec(String topology, String policy, String workload, long windowNs, long seed) {
        long warmup = steadyWarmupNs(topology, workload);
        return spec(topology, policy, workload, warmup + windowNs, seed, warmup);
    }

    private static final java.util.Map<String, Long> STEADY_WARMUP_NS = new java.util.concurrent.ConcurrentHashMap<>();

    /** {@link Runner#steadyWarmupNs} of a topology and workload spec. */
    static long steadyWarmupNs(String topology, String workload) {
        return STEADY_WARMUP_NS.computeIfAbsent(topology + "\n" + workload, k -> Runner.steadyWarmupNs(
                org.schedlab.workload.Workloads.parse(workload), org.schedlab.topology.TopologySources.resolve(topology)));
    }

    /** sd_nohz / tip for every row, each within ±5% of parity as published. */
    public static List<Validation.Check> published(Size size, RunPool runs) {
        List<Row> rows = new ArrayList<>();
        for (Row r : HACKBENCH) if (contains(size.hackbenchGroups, r.value())) rows.add(r);
        for (Row r : TBENCH) if (contains(size.tbenchClients, r.value())) rows.add(r);
        for (Row r : NETPERF) if (contains(size.netperfPairs, r.value())) rows.add(r);
        List<RunSpec> specs = new ArrayList<>();
        for (Row r : rows) {
            boolean hb = r.workload().equals("hackbench");
            String wl = r.spec(hb ? size.hackbenchExtra : "");
            long d = hb ? 10_000_000_000L : size.steadyNs;
            int n = size.seedsOf(r);
            for (String policy : new String[]{TIP, SD_NOHZ})
                for (int s = 1; s <= n; s++) specs.add(spec(TOPOLOGY, policy, wl, d, s));
        }
        double[] v = runs.headlines(specs);
        List<Validation.Check> out = new ArrayList<>();
        int k = 0;
        for (Row r : rows) {
            int n = size.seedsOf(r);
            double[] tip = new double[n], nohz = new double[n];
            for (int s = 0; s < n; s++) tip[s] = v[k++];
            for (int s = 0; s < n; s++) nohz[s] = v[k++];
            double ratio = Stats.amean(nohz) / Stats.amean(tip);
            out.add(new Validation.Check(String.format("published tables: %s %s=%d, sd_nohz/tip (published %.2f)",
                    r.workload(), r.param(), r.value(), r.published()), ratio, 1.0, 0.05, "normalised"));
        }
        return out;
    }

    /**
     * What must not matter on a real machine: realistic start-up variants (fork gaps, the CPU the benchmark is
     * started from: the shell may run on any CPU), the warm-up, the cost constants.
     */
    enum Variant {
        FORK_GAPS_QUARTER("fork gaps x0.25"), FORK_GAPS_FOUR("fork gaps x4"),
        LAUNCH_LAST_CPU("started from the last CPU"), WARMUP_TWICE("twice the warm-up"),
        COSTS_HALF("costs x0.5"), COSTS_DOUBLE("costs x2");

        final String label;

        Variant(String label) { this.label = label; }

        /** The spec of this variant, or null where it does not apply (a run measured to completion has no warm-up). */
        RunSpec apply(RunSpec base) {
            RunSpec r = base.copy();
            switch (this) {
                case FORK_GAPS_QUARTER: r.workload = base.workload + ",stagger=0.25"; break;
                case FORK_GAPS_FOUR: r.workload = base.workload + ",stagger=4"; break;
                case COSTS_HALF: r.costScale = 0.5; break;
                case COSTS_DOUBLE: r.costScale = 2; break;
                case LAUNCH_LAST_CPU: r.launchCpu = Runner.prepare(base).topology.nrCpus() - 1; break;
                default: {
                    if (base.workload.startsWith("hackbench")) return null;
                    long warmup = Runner.prepare(base).config.warmupNs;
                    r.warmupNs = 2 * warmup;
                    r.durationNs = base.durationNs + warmup;
                }
            }
            return r;
        }
    }

    /**
     * push versus pull under each {@link Variant}: the finding (the percentage difference of the headline) must keep
     * its sign and stay within the larger run-to-run CV of the baseline and the variant. Creating every task at once
     * is not something a real program does, so it is not one of them.
     */
    public static List<Validation.Check> robustness(Size size, RunPool runs) {
        List<Validation.Check> out = new ArrayList<>();
        for (Verdict v : verdicts(size, runs))
            out.add(new Validation.Check(String.format("robustness: %s on %s, push/pull headline %+.1f%% (as run) vs %+.1f%% (%s)",
                    v.row(), size.robustTopology, v.baseline(), v.variant(), v.label()), v.variant() - v.baseline(), 0,
                    v.tolerance(), "% points", v.sameSign() && Math.abs(v.variant() - v.baseline()) <= v.tolerance(), false,
                    v.sameSign() ? "the sign holds; the size moves beyond the run-to-run CV" : null));
        return out;
    }

    /** One finding under one variant: push/pull headline difference (%) as run and varied, and the CV band. */
    record Verdict(String row, String label, double baseline, double variant, double tolerance) {
        /** The sign is kept, or the finding is within its band of zero either way. */
        boolean sameSign() {
            return Math.abs(baseline) <= tolerance || Math.signum(variant) == Math.signum(baseline);
        }
    }

    static List<Verdict> verdicts(Size size, RunPool runs) {
        List<RunSpec> specs = new ArrayList<>();
        List<String[]> labels = new ArrayList<>();
        for (String row : size.robustRows) {
            long d = row.startsWith("hackbench") ? 10_000_000_000L : size.steadyNs;
            for (String policy : new String[]{"pull", "push"})
                for (int s = 1; s <= size.seeds; s++) specs.add(spec(size.robustTopology, policy, row, d, s));
            labels.add(new String[]{row, null});
            for (Variant v : Variant.values()) {
                if (v.apply(spec(size.robustTopology, "pull", row, d, 1)) == null) continue;
                for (String policy : new String[]{"pull", "push"})
                    for (int s = 1; s <= size.seeds; s++) specs.add(v.apply(spec(size.robustTopology, policy, row, d, s)));
                labels.add(new String[]{row, v.label});
            }
        }
        double[] v = runs.headlines(specs);
        List<Verdict> out = new ArrayList<>();
        int k = 0;
        double baseDiff = 0, baseCv = 0;
        for (String[] label : labels) {
            double[] pull = new double[size.seeds], push = new double[size.seeds];
            for (int s = 0; s < size.seeds; s++) pull[s] = v[k++];
            for (int s = 0; s < size.seeds; s++) push[s] = v[k++];
            double diff = 100 * (Stats.amean(push) / Stats.amean(pull) - 1);
            double cv = Math.max(Stats.cvPercent(pull), Stats.cvPercent(push));
            if (label[1] == null) {
                baseDiff = diff;
                baseCv = cv;
                continue;
            }
            out.add(new Verdict(label[0], label[1], baseDiff, diff, Math.max(Math.max(baseCv, cv), 1.0)));
        }
        return out;
    }

    private static boolean contains(int[] xs, int x) {
        for (int y : xs) if (y == x) return true;
        return false;
    }
}
