package org.schedlab.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Mainline against the real machine's own load curves. K Prateek Nayak's SIS_UTIL report
 * (76c94a3b-6ca2-e0e2-c618-42b147d2737d@amd.com, 22 Jun 2022) gives absolute tbench throughput, hackbench time and
 * schbench latency by load on a 2 x 64C/128T Zen 3 in NPS1; its SIS_UTIL column is what mainline does today, so
 * {@code pull} on {@code epyc-7763-2s} must reproduce it:
 * <ul>
 *   <li>tbench: throughput at each client count over throughput at 1024 clients, within ±15% of the published
 *       ratio; one client's absolute throughput within ±20% of the published 445.9 MB/s;</li>
 *   <li>hackbench: time at each group count over time at one group, within ±15% of the published ratio;</li>
 *   <li>schbench: p99 wakeup latency grows with workers up to the core count and jumps by more than 50x once
 *       the machine is oversubscribed (512 workers on 256 CPUs; published 867 -> 58368 us).</li>
 * </ul>
 * The same checks of tbench are made against a second report of mainline on the same machine class: the
 * tip/sched/core baseline (5531ecffa4b9) of K Prateek Nayak's netdev report
 * (684c6220-9288-3838-a938-0792b57c5968@amd.com, 13 Oct 2022), which shows how far two runs of mainline on this
 * machine class differ. A point the model does not reproduce stays a failing check, with what is known of the cause.
 */
public final class MainlineCurves {
    private MainlineCurves() {}

    static final String TOPOLOGY = "epyc-7763-2s";
    static final String POLICY = "pull";

    /** tbench clients, hackbench groups and schbench workers of the report's tables. */
    static final int[] TBENCH_CLIENTS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
    static final int[] HACKBENCH_GROUPS = {1, 2, 4, 8, 16};
    static final int[] SCHBENCH_WORKERS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};

    /**
     * tbench throughput (MB/s), hackbench time (s), schbench latency (us): the SIS_UTIL column of one NPS mode; and
     * tbench throughput in the October 2022 report's baseline column.
     */
    record Published(int nps, double[] tbenchMbs, double[] hackbenchS, double[] schbenchUs, double[] tbenchOctMbs) {}

    /** NPS1; tbench 128 clients is the report's rerun ("verification run"), as in NPS2 and NPS4. */
    static final Published NPS1 = new Published(1,
            new double[]{445.90, 871.32, 1648.23, 3251.66, 5997.98, 11625.00, 20847.13, 31613.76, 51160.59, 51829.94,
                    53211.32},
            new double[]{4.77, 5.17, 5.29, 5.75, 7.62},
            new double[]{20.0, 29.5, 40.0, 50.0, 72.5, 100.5, 183.0, 368.5, 867.0, 58368.0},
            new double[]{573.26, 1131.19, 2100.07, 3809.88, 6560.72, 12203.23, 22389.81, 32449.37, 58962.40, 59608.71,
                    58037.02});
    /** NPS2; where the report reran a point (its "verification run": tbench 16, 32, 128, schbench 16), the rerun. */
    static final Published NPS2 = new Published(2,
            new double[]{447.64, 868.63, 1632.35, 3157.00, 5701.57, 11272.02, 20717.28, 30781.22, 44940.70, 51937.08,
                    52154.38},
            new double[]{4.79, 4.94, 5.00, 5.49, 7.33},
            new double[]{17.0, 21.5, 31.5, 46.0, 76.0, 100.0, 176.0, 368.0, 875.0, 59520.0},
            new double[]{574.20, 1131.56, 2132.26, 3812.20, 6457.61, 12263.82, 22224.11, 33040.38, 56547.25, 56220.67,
                    56048.88});
    /**
     * NPS4; reruns as in NPS2 (schbench 8 and 16 workers, hackbench 16 groups: 7.99 s, the first run's 9.60 s being
     * marked "System overloaded").
     */
    static final Published NPS4 = new Published(4,
            new double[]{449.20, 875.15, 1636.92, 3222.69, 5705.23, 11337.91, 20123.99, 30219.39, 49333.89, 50807.17,
                    51566.42},
            new double[]{4.69, 4.98, 5.88, 6.14, 7.99},
            new double[]{15.5, 21.5, 29.0, 44.5, 73.0, 101.5, 185.5, 384.0, 901.0, 59136.0},
            new double[]{575.50, 1138.70, 2070.66, 3811.70, 6312.80, 11418.14, 19671.16, 30258.53, 55838.10, 55586.44,
                    56370.35});

    static final double CURVE_TOLERANCE = 0.15, ABSOLUTE_TOLERANCE = 0.20, OVERSUBSCRIBED_JUMP = 50;
    /**
     * What is known of the points the model misses, by workload and load; shown beside a failing check. Causes
     * found by measurement are in docs/model.md ("Mainline against the published curves").
     */
    static final Map<String, String> KNOWN = Map.of(
            "tbench", "measured 1 s after the clients start, where dbench measures after a 12 s warm-up: at 64 "
                    + "clients the model is still pulling stacked pairs apart then (124 thousand LLC migrations in 300 ms, "
                    + "node 1 idle); after 12 s they have stopped and 64 clients run at 0.42 of 1024 (0.43 with tbench's "
                    + "70000-byte buffer as working set), against 0.39; the other NPS1 points pass with boost by busy "
                    + "cores (the 1024-client reference 49.1 GB/s against 53.2; without boost 60.5 and most ratios 15-40% "
                    + "low): docs/model.md",
            "tbench:256", "the NUMA stalemate of fork placement (every stopped client placed on node 0, every "
                    + "waiting task cache hot); after dbench's 12 s warm-up wakees keep moving inside LLCs, so the "
                    + "unsourced 512 KiB working set (26 us of refill a move) takes 256 clients to 0.73 of 1024, tbench's "
                    + "70000-byte buffer to 0.87: docs/model.md",
            "tbench:512", "as at 256 clients",
            "tbench-dbench", "one seed, 400 ms after dbench's 12 s warm-up; the run has stopped moving stacked pairs "
                    + "but is not settled at every load (at 512 clients the state a run reaches depends on what a move "
                    + "costs): docs/model.md",
            "tbench-dbench:256", "mainline keeps moving wakees inside LLCs after 12 s, and each move refills the "
                    + "unsourced 512 KiB working set (26 us): 0.73 of 1024 with it, 0.87 with tbench's 70000-byte "
                    + "buffer as working set: docs/model.md",
            "tbench:1", "loopback costs from netperf TCP_RR at one client on the same machine class; the per-byte copy "
                    + "cost and the client's parsing between operations are estimates (docs/model.md); AMD's own "
                    + "one-client figures range from 444 to 575 MB/s across reports",
            "tbench-oct", "two reports of mainline on this machine class differ by up to 22% at 2 and 4 clients (ratios "
                    + "0.020/0.036 here, 0.016/0.031 in June) and by 6% at 256; what the model misses against both: the "
                    + "June report's text",
            "tbench-oct:1", "AMD's one-client figures range from 444 to 575 MB/s across reports (kernels 5.19 to 6.0, "
                    + "EPYC 7713 and 7763); the model's loopback costs come from netperf TCP_RR at one client",
            "hackbench", "perf's threads all start on node 0 (they wait at its start gate, so none counts in nr_running "
                    + "when the next is placed) and the NUMA level lets hot tasks go only after three failed balances 256 ms "
                    + "apart, as fair.c does; with AMD's 100000 loops that escape is a small part of the run, as on the "
                    + "machine. The model runs about 2x fast at every load (one group 22 us a loop against 46-48 us, sixteen "
                    + "33 us against 76 us); holding each pipe's mutex as pipe_write() and pipe_read() do (pipe_mutex=on) "
                    + "brings the level within -24% to +29% at every load but fails the curve at 4 and 8 groups, so it is "
                    + "off. Boost by busy cores (all 128 cores busy at 0.79-0.86 of one core's speed) slows 16 groups, "
                    + "which fill the machine, more than one: 8 and 16 groups over one were 1.48 and 1.97 with it, 1.22 "
                    + "and 1.51 without, against 1.21 and 1.60 (1.39 and 1.72 with avg_idle sampled only at wakeups, as "
                    + "the kernel does; NPS2 and NPS4's 16 groups 1.98, from 1.82 and 1.77, over two seeds each); where "
                    + "the model's missing half of a loop's time lies "
                    + "decides how much of it boost slows (docs/model.md)",
            "schbench", "old schbench after its 5 s warm-up: p99 0.32 ms at 256 workers (published 0.87) and about "
                    + "9 ms at 512 (published 58): the oversubscribed jump is 25-34x, not 67x; a woken worker waits for "
                    + "a spinning one's EEVDF slice (6.19) where the published rows ran CFS (5.19), whose sleeper credit "
                    + "preempts at once; with --fair cfs the 512-worker p99 is 45 ms but the 256-worker one 3.5 ms "
                    + "(docs/model.md)");


    /** How much is run: every point in NPS1, the saturation points in NPS2 and NPS4. */
    public static final class Size {
        final int seeds;
        /** tbench's measured window (after {@link PublishedTables#steadyWarmupNs}) and schbench's least one. */
        final long steadyNs, schbenchNs;
        /** schbench's warm-up before its statistics start, or {@link RunSpec#WARMUP_AUTO}. */
        final long schbenchWarmupNs;
        final int hackbenchLoops;
        final int[] tbench, hackbench, schbench;
        final int[] otherTbench, otherHackbench, otherSchbench;
        final Published[] others;
        /** NPS1 tbench points also measured after dbench's own warm-up ({@link #DBENCH_WARMUP_NS}), one seed. */
        final int[] dbenchTbench;

        private Size(int seeds, long steadyNs, long schbenchNs, long schbenchWarmupNs, int hackbenchLoops, int[] tbench,
                     int[] hackbench, int[] schbench, Published[] others, int[] otherTbench, int[] otherHackbench,
                     int[] otherSchbench, int[] dbenchTbench) {
            this.seeds = seeds;
            this.steadyNs = steadyNs;
            this.schbenchNs = schbenchNs;
            this.schbenchWarmupNs = schbenchWarmupNs;
            this.hackbenchLoops = hackbenchLoops;
            this.tbench = tbench;
            this.hackbench = hackbench;
            this.schbench = schbench;
            this.others = others;
            this.otherTbench = otherTbench;
            this.otherHackbench = otherHackbench;
            this.otherSchbench = otherSchbench;
            this.dbenchTbench = dbenchTbench;
        }

        /** A few points, short: what the test suite runs. */
        public static Size small() {
            return new Size(1, 150_000_000L, 500_000_000L, RunSpec.WARMUP_AUTO, 200, new int[]{1}, new int[]{1, 2}, new int[]{16, 32},
                    new Published[0], new int[0], new int[0], new int[0], new int[0]);
        }

        /** Every published point of NPS1; tbench's saturation, hackbench's widest step and schbench's jump in NPS2/4. */
        public static Size full() {
            // old schbench resets its statistics after its 5 s warm-up (-w 5), by when the NUMA level has evened
            // out what fork placement left on node 0; then at least 3 s and 10^4 wakeups ({@link #schbenchDurationNs})
            return new Size(2, 400_000_000L, 3_000_000_000L, SCHBENCH_WARMUP_NS, HACKBENCH_LOOPS,
                    TBENCH_CLIENTS, HACKBENCH_GROUPS,
                    SCHBENCH_WORKERS, new Published[]{NPS2, NPS4}, new int[]{256, 512, 1024}, new int[]{1, 16},
                    new int[]{256, 512}, new int[]{16, 32, 64, 128, 256, 512, 1024});
        }
    }

    /**
     * hackbench loops as AMD ran them (-l 100000): the NUMA level's escape from fork placement (three failed
     * NUMA-level balances 256 ms apart before nr_balance_failed exceeds cache_nice_tries, docs/model.md) then takes
     * the share of the run it takes on the machine; with 10000 loops it took most of the 16-group run.
     */
    static final int HACKBENCH_LOOPS = 100_000;

    /**
     * dbench 4.0's warm-up before its counters start: timelimit/5, 12 s of AMD's {@code -t 60} (dbench.c). The model
     * takes seconds to settle after tbench's start, so these points are measured after it as well.
     */
    static final long DBENCH_WARMUP_NS = 12_000_000_000L;

    /** Old schbench's default warm-up, -w 5 (schbench.c at 2eef447): its statistics start after it. */
    static final long SCHBENCH_WARMUP_NS = 5_000_000_000L;

    /**
     * A schbench run's simulated time: with schbench's own warm-up, the warm-up and then at least {@code minWindowNs}
     * and 10^4 wakeups behind the p99 (a worker wakes about every 70 ms); with the automatic one, {@code
     * minWindowNs}.
     */
    static long schbenchDurationNs(String workload, long minWindowNs, long warmupNs) {
        if (warmupNs == RunSpec.WARMUP_AUTO) return minWindowNs;
        return warmupNs + Math.max(minWindowNs, 10_000L * 70_000_000L / schbenchWorkers(workload));
    }

    /** A schbench run of the curve or of set 1b: its simulated time and warm-up as {@link #schbenchDurationNs} says. */
    static RunSpec schbenchSpec(String topology, String policy, String workload, long minWindowNs, long warmupNs, long seed) {
        RunSpec r = PublishedTables.spec(topology, policy, workload, schbenchDurationNs(workload, minWindowNs, warmupNs), seed);
        r.warmupNs = warmupNs;
        return r;
    }

    /** Total workers of an old-schbench spec: message threads times workers per message thread. */
    static int schbenchWorkers(String workload) {
        int message = 1, workers = 1;
        for (String kv : workload.substring(workload.indexOf(':') + 1).split(",")) {
            if (kv.startsWith("message=")) message = Integer.parseInt(kv.substring(8));
            if (kv.startsWith("workers=")) workers = Integer.parseInt(kv.substring(8));
        }
        return message * workers;
    }

    public static List<Validation.Check> checks(Size size, RunPool runs) {
        List<Curve> curves = new ArrayList<>();
        curves.add(new Curve(NPS1, size.tbench, size.hackbench, size.schbench));
        for (Published p : size.others) curves.add(new Curve(p, size.otherTbench, size.otherHackbench, size.otherSchbench));
        List<RunSpec> specs = new ArrayList<>();
        for (Curve c : curves) c.addSpecs(specs, size);
        for (int c : size.dbenchTbench)
            specs.add(PublishedTables.spec(TOPOLOGY, POLICY, "tbench:clients=" + c, DBENCH_WARMUP_NS + size.steadyNs, 1,
                    DBENCH_WARMUP_NS));
        double[] headline = runs.headlines(specs);
        List<Validation.Check> out = new ArrayList<>();
        int k = 0;
        for (Curve c : curves) k = c.check(headline, k, size.seeds, out);
        out.addAll(dbenchChecks(size.dbenchTbench, java.util.Arrays.copyOfRange(headline, k, k + size.dbenchTbench.length)));
        return out;
    }

    /** tbench over 1024 clients after dbench's warm-up (one seed), against the SIS_UTIL column of NPS1. */
    static List<Validation.Check> dbenchChecks(int[] clients, double[] tb) {
        List<Validation.Check> out = new ArrayList<>();
        new Curve(NPS1, clients, new int[0], new int[0]).tbenchChecks(tb, NPS1.tbenchMbs(),
                " after dbench's 12 s warm-up, 1 seed", "tbench-dbench", out);
        return out;
    }

    /**
     * schbench as AMD's reports ran it: the old schbench (docs/model.md, "The published runs, as run") with its
     * default two message threads sharing {@code workers} workers.
     */
    static String schbenchAsRun(int workers) {
        int m = Math.min(2, workers);
        return "schbench:version=old,message=" + m + ",workers=" + workers / m;
    }

    /** The points run on one NPS mode and their checks. */
    private record Curve(Published published, int[] tbench, int[] hackbench, int[] schbench) {
        String topology() { return published.nps() == 1 ? TOPOLOGY : TOPOLOGY + ":nps=" + published.nps(); }

        String prefix() { return published.nps() == 1 ? "mainline curves: " : "mainline curves NPS" + published.nps() + ": "; }

        void addSpecs(List<RunSpec> specs, Size size) {
            for (int c : tbench)
                for (int s = 1; s <= size.seeds; s++)
                    specs.add(PublishedTables.steadySpec(topology(), POLICY, "tbench:clients=" + c, size.steadyNs, s));
            for (int g : hackbench)
                addSeeds(specs, topology(), "hackbench:groups=" + g + ",ipc=pipe,mode=thread,loops=" + size.hackbenchLoops,
                        60_000_000_000L, size.seeds);
            for (int w : schbench)
                for (int s = 1; s <= size.seeds; s++)
                    specs.add(schbenchSpec(topology(), POLICY, schbenchAsRun(w), size.schbenchNs, size.schbenchWarmupNs, s));
        }

        /** One client's MB/s and each load's throughput over 1024 clients', against one report's column. */
        private void tbenchChecks(double[] tb, double[] pubMbs, String report, String known, List<Validation.Check> out) {
            double saturated = pubMbs[pubMbs.length - 1];
            int ref = indexOf(tbench, 1024);
            for (int i = 0; i < tb.length; i++) {
                int c = tbench[i];
                double pub = pubMbs[indexOf(TBENCH_CLIENTS, c)];
                if (c == 1)
                    out.add(relative(prefix() + String.format("tbench 1 client, MB/s%s (published %.1f)", report, pub),
                            known + ":1", tb[i], pub, ABSOLUTE_TOLERANCE, "MB/s"));
                if (ref < 0 || i == ref || c == 1) continue;
                out.add(relative(prefix() + String.format("tbench %d clients / 1024%s (published %.2f)", c, report,
                        pub / saturated), known + ":" + c, tb[i] / tb[ref], pub / saturated, CURVE_TOLERANCE, "ratio"));
            }
        }

        /** Appends this mode's checks from {@code headline[k..]}; returns the index after its runs. */
        int check(double[] headline, int k, int seeds, List<Validation.Check> out) {
            double[] tb = new double[tbench.length], hb = new double[hackbench.length], sb = new double[schbench.length];
            for (int i = 0; i < tb.length; i++, k += seeds) tb[i] = mean(headline, k, seeds);
            for (int i = 0; i < hb.length; i++, k += seeds) hb[i] = mean(headline, k, seeds);
            for (int i = 0; i < sb.length; i++, k += seeds) sb[i] = mean(headline, k, seeds);
            tbenchChecks(tb, published.tbenchMbs(), "", "tbench", out);
            tbenchChecks(tb, published.tbenchOctMbs(), ", Oct 2022 report", "tbench-oct", out);
            int one = indexOf(hackbench, 1);
            for (int i = 0; i < hb.length && one >= 0; i++) {
                if (i == one) continue;
                int g = hackbench[i];
                double pub = published.hackbenchS()[indexOf(HACKBENCH_GROUPS, g)] / published.hackbenchS()[0];
                out.add(relative(prefix() + String.format("hackbench %d groups / 1 group, time (published %.2f)", g, pub),
                        "hackbench:" + g, hb[i] / hb[one], pub, CURVE_TOLERANCE, "ratio"));
            }
            out.addAll(schbenchShape(prefix(), published.schbenchUs(), schbench, sb));
            return k;
        }
    }

    /** p99 grows with workers up to the core count; the first oversubscribed point jumps by more than 50x. */
    static List<Validation.Check> schbenchShape(String prefix, double[] publishedUs, int[] workers, double[] p99) {
        List<Validation.Check> out = new ArrayList<>();
        int full = indexOf(workers, 256), over = indexOf(workers, 512);
        int grows = 0, steps = 0;
        for (int i = 1; i < workers.length; i++) {
            if (workers[i] > 256) break;
            steps++;
            if (p99[i] >= p99[i - 1]) grows++;
        }
        if (steps > 0)
            out.add(new Validation.Check(prefix + String.format("schbench p99 grows with workers up to 256 (%d of %d steps)",
                    grows, steps), grows, steps, 0, "steps", grows == steps, true, KNOWN.get("schbench")));
        if (full >= 0 && over >= 0) {
            double jump = p99[over] / p99[full];
            String name = prefix + String.format("schbench p99 512/256 workers (published %.0fx), more than %.0fx",
                    publishedUs[9] / publishedUs[8], OVERSUBSCRIBED_JUMP);
            out.add(new Validation.Check(name, jump, OVERSUBSCRIBED_JUMP, 0, "ratio", jump > OVERSUBSCRIBED_JUMP, true,
                    KNOWN.get("schbench")));
        }
        return out;
    }

    private static Validation.Check relative(String name, String key, double measured, double published, double tol,
                                             String unit) {
        boolean pass = Math.abs(measured / published - 1) <= tol;
        String known = KNOWN.getOrDefault(key, KNOWN.get(key.substring(0, key.indexOf(':'))));
        return new Validation.Check(name, measured, published, tol * published, unit, pass, true, known);
    }

    private static void addSeeds(List<RunSpec> specs, String topology, String workload, long durationNs, int seeds) {
        for (int s = 1; s <= seeds; s++) specs.add(PublishedTables.spec(topology, POLICY, workload, durationNs, s));
    }

    private static double mean(double[] headline, int from, int n) {
        double[] v = new double[n];
        System.arraycopy(headline, from, v, 0, n);
        return Stats.amean(v);
    }

    private static int indexOf(int[] xs, int x) {
        for (int i = 0; i < xs.length; i++) if (xs[i] == x) return i;
        return -1;
    }
}
