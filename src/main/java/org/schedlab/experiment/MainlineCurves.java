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
 * A point the model does not reproduce stays a failing check, with what is known of the cause.
 */
public final class MainlineCurves {
    private MainlineCurves() {}

    static final String TOPOLOGY = "epyc-7763-2s";
    static final String POLICY = "pull";

    /** tbench clients and published SIS_UTIL throughput (MB/s), NPS1. */
    static final int[] TBENCH_CLIENTS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024};
    static final double[] TBENCH_MBS = {445.90, 871.32, 1648.23, 3251.66, 5997.98, 11625.00, 20847.13, 29286.06,
            51160.59, 51829.94, 53211.32};
    /** hackbench groups and published SIS_UTIL time (s), NPS1. */
    static final int[] HACKBENCH_GROUPS = {1, 2, 4, 8, 16};
    static final double[] HACKBENCH_S = {4.77, 5.17, 5.29, 5.75, 7.62};
    /** schbench workers and published SIS_UTIL latency (us), NPS1. */
    static final int[] SCHBENCH_WORKERS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512};
    static final double[] SCHBENCH_US = {20.0, 29.5, 40.0, 50.0, 72.5, 100.5, 183.0, 368.5, 867.0, 58368.0};

    static final double CURVE_TOLERANCE = 0.15, ABSOLUTE_TOLERANCE = 0.20, OVERSUBSCRIBED_JUMP = 50;

    /**
     * What is known of the points the model misses, by workload and load; shown beside a failing check. Causes
     * found by measurement are in docs/model.md ("Mainline against the published curves").
     */
    static final Map<String, String> KNOWN = Map.of(
            "tbench:256", "NUMA stalemate: fork balancing leaves every stopped client on node 0; once released, every "
                    + "waiting task is cache hot and the node-1 CPU entitled to balance the NUMA level keeps changing, so no "
                    + "nr_balance_failed passes cache_nice_tries; the model sits near the published SIS_PROP value (25138)",
            "tbench:512", "the same NUMA stalemate as at 256 clients",
            "tbench:1", "per-operation loopback costs are estimates (docs/model.md); AMD's own one-client figures "
                    + "range from 444 to 575 MB/s across reports",
            "tbench:64", "per-task speed does not fall with the number of busy cores (boost by active cores is not "
                    + "modelled: its size on Milan is not sourced)",
            "tbench:128", "as at 64 clients",
            "hackbench", "the NUMA stalemate of tbench: perf's threads wait at its start gate, so none counts in "
                    + "nr_running when it is created and every one is placed on node 0; at 16 groups no task ever "
                    + "crosses to node 1 (0 NUMA migrations, a CPU idle while another is overloaded for 63 of 66 ms)",
            "schbench", "old schbench on the model: p99 3.5 ms at 256 workers (published 0.87) and 13 ms at 512 "
                    + "(published 58): the oversubscribed jump is 4x, not 67x; the published rows ran CFS (5.19), the "
                    + "model EEVDF (6.19), and their C2 idle state is not modelled (cause not found)");


    /** How much is run. */
    public static final class Size {
        final int seeds;
        final long steadyNs, schbenchNs;
        final int hackbenchLoops;
        final int[] tbench, hackbench, schbench;

        private Size(int seeds, long steadyNs, long schbenchNs, int hackbenchLoops, int[] tbench, int[] hackbench,
                     int[] schbench) {
            this.seeds = seeds;
            this.steadyNs = steadyNs;
            this.schbenchNs = schbenchNs;
            this.hackbenchLoops = hackbenchLoops;
            this.tbench = tbench;
            this.hackbench = hackbench;
            this.schbench = schbench;
        }

        /** A few points, short: what the test suite runs. */
        public static Size small() {
            return new Size(1, 150_000_000L, 500_000_000L, 200, new int[]{1}, new int[]{1, 2}, new int[]{16, 32});
        }

        /** Every published point. */
        public static Size full() {
            // a worker of old schbench wakes about every 70 ms: 2 s gives every point thousands of samples
            return new Size(2, 400_000_000L, 2_000_000_000L, 1000, TBENCH_CLIENTS, HACKBENCH_GROUPS, SCHBENCH_WORKERS);
        }
    }

    public static List<Validation.Check> checks(Size size, int jobs) {
        List<RunSpec> specs = new ArrayList<>();
        for (int c : size.tbench) addSeeds(specs, "tbench:clients=" + c, size.steadyNs, size.seeds);
        for (int g : size.hackbench)
            addSeeds(specs, "hackbench:groups=" + g + ",ipc=pipe,mode=thread,loops=" + size.hackbenchLoops, 60_000_000_000L,
                    size.seeds);
        // schbench (old) as AMD ran it: two message threads (its default) sharing the workers
        for (int w : size.schbench) {
            int m = Math.min(2, w);
            addSeeds(specs, "schbench:version=old,message=" + m + ",workers=" + w / m, size.schbenchNs, size.seeds);
        }
        double[] headline = PublishedTables.runAll(specs, jobs);
        int k = 0;
        double[] tb = new double[size.tbench.length], hb = new double[size.hackbench.length],
                sb = new double[size.schbench.length];
        for (int i = 0; i < tb.length; i++, k += size.seeds) tb[i] = mean(headline, k, size.seeds);
        for (int i = 0; i < hb.length; i++, k += size.seeds) hb[i] = mean(headline, k, size.seeds);
        for (int i = 0; i < sb.length; i++, k += size.seeds) sb[i] = mean(headline, k, size.seeds);

        List<Validation.Check> out = new ArrayList<>();
        int ref = indexOf(size.tbench, 1024);
        for (int i = 0; i < tb.length; i++) {
            int c = size.tbench[i];
            double published = TBENCH_MBS[indexOf(TBENCH_CLIENTS, c)];
            if (c == 1)
                out.add(relative("mainline curves: tbench 1 client, MB/s (published 445.9)", "tbench:1",
                        tb[i], published, ABSOLUTE_TOLERANCE, "MB/s"));
            if (ref < 0 || i == ref || c == 1) continue;
            out.add(relative(String.format("mainline curves: tbench %d clients / 1024 (published %.2f)", c,
                    published / TBENCH_MBS[TBENCH_MBS.length - 1]), "tbench:" + c, tb[i] / tb[ref],
                    published / TBENCH_MBS[TBENCH_MBS.length - 1], CURVE_TOLERANCE, "ratio"));
        }
        int one = indexOf(size.hackbench, 1);
        for (int i = 0; i < hb.length && one >= 0; i++) {
            if (i == one) continue;
            int g = size.hackbench[i];
            double published = HACKBENCH_S[indexOf(HACKBENCH_GROUPS, g)] / HACKBENCH_S[0];
            out.add(relative(String.format("mainline curves: hackbench %d groups / 1 group, time (published %.2f)", g,
                    published), "hackbench:" + g, hb[i] / hb[one], published, CURVE_TOLERANCE, "ratio"));
        }
        out.addAll(schbenchShape(size.schbench, sb));
        return out;
    }

    /** p99 grows with workers up to the core count; the first oversubscribed point jumps by more than 50x. */
    static List<Validation.Check> schbenchShape(int[] workers, double[] p99) {
        List<Validation.Check> out = new ArrayList<>();
        int full = indexOf(workers, 256), over = indexOf(workers, 512);
        int grows = 0, steps = 0;
        for (int i = 1; i < workers.length; i++) {
            if (workers[i] > 256) break;
            steps++;
            if (p99[i] >= p99[i - 1]) grows++;
        }
        if (steps > 0)
            out.add(new Validation.Check(String.format("mainline curves: schbench p99 grows with workers up to 256 (%d of %d steps)",
                    grows, steps), grows, steps, 0, "steps", grows == steps, true, KNOWN.get("schbench")));
        if (full >= 0 && over >= 0) {
            double jump = p99[over] / p99[full];
            String name = String.format("mainline curves: schbench p99 512/256 workers (published %.0fx), more than %.0fx",
                    SCHBENCH_US[9] / SCHBENCH_US[8], OVERSUBSCRIBED_JUMP);
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

    private static void addSeeds(List<RunSpec> specs, String workload, long durationNs, int seeds) {
        for (int s = 1; s <= seeds; s++) specs.add(PublishedTables.spec(TOPOLOGY, POLICY, workload, durationNs, s));
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
