package org.schedlab.experiment;

import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.metrics.ScheduleSink;
import org.schedlab.policy.Policies;
import org.schedlab.topology.TopologySources;
import org.schedlab.workload.Workloads;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Checks against published A/B results of balancing changes that moved real numbers by 10% to 400%, on the
 * "3rd Generation EPYC, 2 x 64C/128T" of the AMD mails ({@code epyc-7763-2s}), each change switched by a policy
 * option or the fair class (published.md sets 1b, 4c, 5a, 5b, 6a):
 * <ul>
 * <li>1b, SIS_UTIL against SIS_PROP (76c94a3b-6ca2-e0e2-c618-42b147d2737d@amd.com): tip 5.19-rc2 is
 * {@code pull:sis=prop}, SIS_UTIL is {@code pull}; neither has NI_RANDOM ({@code ni_random=off}); schbench is the
 * old schbench the report ran ({@link MainlineCurves#schbenchAsRun}).</li>
 * <li>4c with EEVDF, SHARED_RUNQ v3 (258c9412-445a-04f5-dd0d-1f6699a257b6@amd.com): tip b41bbb33cf75 is
 * {@code pull:ni_random=off}, then {@code shared-runq} and {@code shared-runq:idle_check=on}.</li>
 * <li>5a, imb_numa_nr = LLCs per node (9ab0a2c2-7dee-40b0-edd0-56a5b1915745@amd.com): STREAM-16 unbound, 5.17-rc1
 * tip is {@code numa_imb=quarter}, mel-v6 is {@code numa_imb=llcs}, both before cb29a5c19d2d
 * ({@code numa_consistent=off}) and with SIS_PROP.</li>
 * <li>5b, the affinity cap (20220407111222.22649-1-kprateek.nayak@amd.com): STREAM-8 from CPU 16, unbound and bound
 * to one CPU per LLC, 5.18-rc1 tip ({@code numa_affinity_cap=off}) against the patch; plus the printed first CPU of
 * every thread.</li>
 * <li>6a, EEVDF against CFS (a32c0054-46eb-cce8-7eab-c6f11b6d533d@amd.com): tip 88c56cfeaec4 is {@code pull} on
 * {@code --fair cfs}, "eevdf-curb" (EEVDF with RUN_TO_PARITY, 63304558ba5d) is {@code pull} on the model's EEVDF;
 * both {@code ni_random=off}. Deviation: the model's CFS is 5.19's and its EEVDF 6.19's, where both tips were of
 * August 2023.</li>
 * </ul>
 * A row whose published change is at least 10% passes when the model's change has the same sign and is within a
 * factor of two of it; a smaller published change passes when the model's is within ±10%. Rows are per topology, so
 * a row of another NPS mode is one more line once its preset exists. A row the model does not reproduce stays, with
 * its explanation ({@link #KNOWN}).
 */
public final class PublishedMechanisms {
    private PublishedMechanisms() {}

    static final String NPS1 = "epyc-7763-2s";

    /** One side of a comparison: a policy running a workload, on EEVDF or on the CFS of {@code --fair cfs}. */
    record Side(String policy, String workload, boolean cfs, long warmupNs) {
        Side(String policy, String workload) { this(policy, workload, false, 0); }

        /** The key of its runs: equal sides share them. */
        String key(String topology) {
            return topology + "|" + policy + "|" + workload + (cfs ? "|cfs" : "") + (warmupNs > 0 ? "|" + warmupNs : "");
        }
    }

    /** One published row: the change from {@code base} to {@code variant}, in percent improvement. */
    record Row(String set, String topology, String label, Side base, Side variant, double published) {}

    // ------------------------------------------------------------------------------------------ set 1b
    static final String SIS_PROP = "pull:sis=prop,ni_random=off", SIS_UTIL = "pull:ni_random=off";

    private static Row sis(String workload, String param, int value, double pct) { return sis(NPS1, workload, param, value, pct); }

    /**
     * A row of another NPS mode is one line, e.g. {@code sis("epyc-7763-2s:nps=4", "tbench", "clients", 256, 79.55)}
     * (published.md 1b), once that preset exists.
     */
    private static Row sis(String topology, String workload, String param, int value, double pct) {
        String label = workload + ":" + param + "=" + value;
        String w = workload.equals("schbench") ? MainlineCurves.schbenchAsRun(value) : label;
        return new Row("1b", topology, "SIS_UTIL vs SIS_PROP " + label + onTopology(topology), new Side(SIS_PROP, w),
                new Side(SIS_UTIL, w), pct);
    }

    /** Labels of NPS1 rows name no topology; others do. */
    private static String onTopology(String topology) { return topology.equals(NPS1) ? "" : " (" + topology + ")"; }

    static final Row[] SET_1B = {
            sis("tbench", "clients", 1, 0.33), sis("tbench", "clients", 2, -0.89), sis("tbench", "clients", 4, -0.03),
            sis("tbench", "clients", 8, -0.37), sis("tbench", "clients", 16, -0.21), sis("tbench", "clients", 32, -3.59),
            sis("tbench", "clients", 64, -1.93), sis("tbench", "clients", 128, -4.90), sis("tbench", "clients", 256, 103.51),
            sis("tbench", "clients", 512, 1.05), sis("tbench", "clients", 1024, 0.06),
            sis("hackbench", "groups", 1, -2.80), sis("hackbench", "groups", 2, 0.95), sis("hackbench", "groups", 4, 2.57),
            sis("hackbench", "groups", 8, 1.70), sis("hackbench", "groups", 16, -1.06),
            sis("schbench", "workers", 1, 14.89), sis("schbench", "workers", 2, 10.60), sis("schbench", "workers", 4, 8.04),
            sis("schbench", "workers", 8, 4.76), sis("schbench", "workers", 16, -3.57), sis("schbench", "workers", 32, 2.89),
            sis("schbench", "workers", 64, -4.27), sis("schbench", "workers", 128, -1.79), sis("schbench", "workers", 256, 0.00),
            sis("schbench", "workers", 512, 3.08)};

    // ------------------------------------------------------------------------------------------ set 4c
    static final String TIP_EEVDF = "pull:ni_random=off", SHARED_RUNQ = "shared-runq:ni_random=off",
            IDLE_CHECK = "shared-runq:ni_random=off,idle_check=on";

    /** shared_runq and shared_runq_idle_check against tip at one load: two rows. */
    private static Row[] srq(String workload, String param, int value, double sharedRunq, double idleCheck) {
        String w = workload + ":" + param + "=" + value;
        return new Row[]{new Row("4c", NPS1, "shared_runq vs tip (EEVDF) " + w, new Side(TIP_EEVDF, w), new Side(SHARED_RUNQ, w), sharedRunq),
                new Row("4c", NPS1, "shared_runq_idle_check vs tip (EEVDF) " + w, new Side(TIP_EEVDF, w), new Side(IDLE_CHECK, w), idleCheck)};
    }

    /** The [pct imp] columns of the mail's EEVDF tables, as printed there. */
    static final Row[] SET_4C = concat(
            srq("hackbench", "groups", 1, 4.72, 0.83), srq("hackbench", "groups", 2, 13.87, 4.92),
            srq("hackbench", "groups", 4, 4.50, 2.45), srq("hackbench", "groups", 8, -0.95, 3.97),
            srq("hackbench", "groups", 16, 0.00, 3.91),
            srq("tbench", "clients", 1, 0.15, -1.76), srq("tbench", "clients", 2, -3.44, -1.93),
            srq("tbench", "clients", 4, -4.86, -1.15), srq("tbench", "clients", 8, -6.44, -1.00),
            srq("tbench", "clients", 16, -13.68, -0.47), srq("tbench", "clients", 32, -52.21, 1.24),
            srq("tbench", "clients", 64, -64.68, -0.66), srq("tbench", "clients", 128, -60.32, -2.15),
            srq("tbench", "clients", 256, -28.28, -1.39), srq("tbench", "clients", 512, -20.59, -0.42),
            srq("tbench", "clients", 1024, -20.24, -0.51),
            srq("netperf-rr", "pairs", 1, 1.73, -0.81), srq("netperf-rr", "pairs", 2, -0.68, -0.87),
            srq("netperf-rr", "pairs", 4, -3.38, -1.26), srq("netperf-rr", "pairs", 8, -6.30, -0.44),
            srq("netperf-rr", "pairs", 16, -44.08, -0.83), srq("netperf-rr", "pairs", 32, -64.92, -2.14),
            srq("netperf-rr", "pairs", 64, -73.79, -2.57), srq("netperf-rr", "pairs", 128, -74.91, -3.66),
            srq("netperf-rr", "pairs", 256, -31.60, -3.61), srq("netperf-rr", "pairs", 512, -32.81, -3.80));

    // ------------------------------------------------------------------------------------------ set 6a
    static final String TIP_AUG_2023 = "pull:ni_random=off";

    /**
     * The warm-up of set 6a's tbench rows: the model's CFS takes until 1.7 s to bring the second node up to the first
     * at 1024 clients (seed 1), where the steady rule's warm-up ends at 0.9 s; the published runs warmed up 12 s.
     */
    static final long FAIR_CLASS_SETTLE_NS = 2_500_000_000L;

    /** EEVDF (with RUN_TO_PARITY) against CFS at one load, as the "eevdf-curb" column prints it. */
    private static Row eevdf(String workload, String param, int value, double pct) {
        String label = workload + ":" + param + "=" + value;
        String w = workload.equals("schbench") ? MainlineCurves.schbenchAsRun(value) : label;
        long warmup = workload.equals("tbench") ? FAIR_CLASS_SETTLE_NS : 0;
        return new Row("6a", NPS1, "EEVDF vs CFS " + label, new Side(TIP_AUG_2023, w, true, warmup),
                new Side(TIP_AUG_2023, w, false, warmup), pct);
    }

    /**
     * The mail prints normalised values for every row at 128+ tbench clients and 128+ schbench workers and for
     * hackbench; for tbench 1-128 clients, netperf 1-512 pairs and schbench 1-64 workers only a range (within ±2,
     * ±2.8 and -8.7..+6.7), checked here as parity at three loads each.
     */
    static final Row[] SET_6A = {
            eevdf("hackbench", "groups", 1, -2.83), eevdf("hackbench", "groups", 2, -4.24), eevdf("hackbench", "groups", 4, -5.42),
            eevdf("hackbench", "groups", 8, -7.29), eevdf("hackbench", "groups", 16, -5.27),
            eevdf("tbench", "clients", 1, 0), eevdf("tbench", "clients", 32, 0), eevdf("tbench", "clients", 128, 0),
            eevdf("tbench", "clients", 256, -8.10), eevdf("tbench", "clients", 512, -10.39), eevdf("tbench", "clients", 1024, -13.64),
            eevdf("netperf-rr", "pairs", 1, 0), eevdf("netperf-rr", "pairs", 64, 0), eevdf("netperf-rr", "pairs", 512, 0),
            eevdf("schbench", "workers", 1, 0), eevdf("schbench", "workers", 16, 0), eevdf("schbench", "workers", 64, 0),
            eevdf("schbench", "workers", 128, -14.29), eevdf("schbench", "workers", 256, 82.36), eevdf("schbench", "workers", 512, 70.80)};

    // ------------------------------------------------------------------------------------------ set 5a
    static final String TIP_517 = "pull:sis=prop,ni_random=off,numa_consistent=off,numa_imb=quarter",
            MEL_V6 = "pull:sis=prop,ni_random=off,numa_consistent=off";
    static final String[] STREAM_OPS = {"Copy", "Scale", "Add", "Triad"};

    /**
     * STREAM-16, 128M-element arrays, unbound: one row per operation, the model's whole-run bandwidth standing for
     * each (STREAM prints the best iteration per operation). Another NPS mode is one more call, e.g.
     * {@code stream16("epyc-7763-2s:nps=4", 10, 172.11, 433.70, 335.43, 364.36)} (published.md 5a).
     */
    private static Row[] stream16(String topology, int ntimes, double... pct) {
        String w = "stream:threads=16,elems=128000000,ntimes=" + ntimes;
        Row[] rows = new Row[4];
        for (int k = 0; k < 4; k++)
            rows[k] = new Row("5a", topology, "imb_numa_nr=LLCs vs 25% STREAM-16 NTIMES=" + ntimes + " " + STREAM_OPS[k] + onTopology(topology),
                    new Side(TIP_517, w), new Side(MEL_V6, w), pct[k]);
        return rows;
    }

    static final Row[] SET_5A = concat(stream16(NPS1, 10, 33.49, 70.09, 70.10, 70.48), stream16(NPS1, 100, 70.37, 68.89, 79.19, 74.06));

    // ------------------------------------------------------------------------------------------ set 5b
    static final String TIP_518 = "pull:sis=prop,ni_random=off,numa_consistent=off,numa_affinity_cap=off",
            CAP_V7 = "pull:sis=prop,ni_random=off,numa_consistent=off";
    /**
     * STREAM-8 started from CPU 16; the array size and iteration count of "stream8" are not in the mail: 128M
     * elements as in set 5a, STREAM's default 10 iterations.
     */
    static final String STREAM8 = "stream:threads=8,elems=128000000,from=16";
    static final String PINNED = ",cpus=0,16,32,48,64,80,96,112";

    private static Row[] stream8(String label, String policy, double... pct) {
        Row[] rows = new Row[4];
        for (int k = 0; k < 4; k++)
            rows[k] = new Row("5b", NPS1, label + " vs tip unpinned STREAM-8 " + STREAM_OPS[k],
                    new Side(TIP_518, STREAM8 + ",ntimes=10"), new Side(policy, STREAM8 + PINNED + ",ntimes=10"), pct[k]);
        return rows;
    }

    static final Row[] SET_5B = concat(stream8("tip + pinning", TIP_518, -13.84, -17.74, -21.02, -16.66),
            stream8("tip + affinity cap + pinning", CAP_V7, 44.74, 36.34, 44.66, 44.84));

    /** sched_wakeup_new target_cpu of the 7 threads, parent on CPU 16, without and with the cap (5b, v7 mail). */
    static final int[] PLACEMENT_TIP = {32, 48, 0, 16, 16, 16, 16}, PLACEMENT_CAP = {32, 48, 0, 112, 96, 80, 64};

    /** Why a row is not reproduced, by label; reported with its failing check. */
    static final Map<String, String> KNOWN = new LinkedHashMap<>();

    static {
        KNOWN.put("SIS_UTIL vs SIS_PROP tbench:clients=256", "the model's SIS_UTIL tbench-256 is at the published"
                + " level relative to 1024 clients (0.89 against 0.96), but its SIS_PROP stays there too: SIS_PROP does"
                + " move wakees (tens of thousands of MC migrations a second where SIS_UTIL makes none) yet loses only a"
                + " few percent; the real SIS_PROP kernel's fall to half, below its own 128-client figure, needs a cost"
                + " the model does not have (the 2022 machine ran with the I/O-port C2 state on: docs/model.md)");
        for (int c : new int[]{64, 128, 512})
            KNOWN.put("SIS_UTIL vs SIS_PROP tbench:clients=" + c, "in steady state mainline's tbench pairs each share one"
                    + " CPU of node 0 (node 1's CPUs 2% busy at 128 clients, seed 1): SIS_UTIL's scan budget is 0 in those"
                    + " busy LLCs, so a wakee stays on its waker's CPU (no migration in 0.4 s), where SIS_PROP's scan finds"
                    + " the LLC's idle CPUs and moves it (350 thousand LLC migrations in 0.4 s), 27% fewer MB/s at 128"
                    + " clients; the machine measured both alike, so the one-node state or the cost of a moved wakee is"
                    + " off in the model, which of them is not found");
        for (int w : new int[]{1, 2})
            KNOWN.put("SIS_UTIL vs SIS_PROP schbench:workers=" + w, "with 1-2 workers an idle core is always known"
                    + " (has_idle_cores), where neither scan limit applies, so both kernels place alike; the author says"
                    + " the gain is \"not strictly because of SIS_UTIL\"");
        String srqWhy = "the model loses where a wakee lands on an idle CPU: it sits queued, unpicked, while that CPU"
                + " leaves do_idle, and a CPU of its LLC going newidle takes it from the shard (tbench 32/64 -54/-59%,"
                + " netperf 64/128 -59/-69%, as measured; at tbench 16 more than measured, -25% against -14%, at 256"
                + " less, -8% against -28%); where the LLCs are full (tbench 128+, netperf 256+) a wakee"
                + " stays on its waker's CPU, so nothing is left in a shard to take, where the machine still lost 20-60%"
                + " with rq-lock contention in schedule_idle (12.2% of cycles at tbench-128, 31aeb639 thread) and"
                + " tg->load_avg updates, which the model does not have at that size (holding each of the model's"
                + " runqueue-lock acquisitions first come first served for its cost would add 0.005% of CPU time at"
                + " tbench 128: the machine's shared runqueue moved far more tasks than the model's does)";
        for (int c : new int[]{16, 32, 64, 128, 256, 1024}) KNOWN.put("shared_runq vs tip (EEVDF) tbench:clients=" + c, srqWhy);
        for (int c : new int[]{16, 32, 64, 128, 256, 512}) KNOWN.put("shared_runq vs tip (EEVDF) netperf-rr:pairs=" + c, srqWhy);
        String srq512 = "the model's tip leaves CPUs idle while others have tasks waiting throughout the window at 512"
                + " clients (idle while overloaded 300 of 300 ms, utilisation 70.8%; seed 1, after 1.1 s), which either"
                + " shared runqueue removes (0 ms, 75.6%, +8% MB/s); the machine's tip is saturated there (0.97 of its"
                + " 1024-client throughput, the model's 0.93), so there was nothing to win back, and its shared"
                + " runqueue lost 20% to runqueue-lock contention the model does not have";
        KNOWN.put("shared_runq vs tip (EEVDF) tbench:clients=512", srq512);
        KNOWN.put("shared_runq_idle_check vs tip (EEVDF) tbench:clients=512", srq512);
        String checkWhy = "the check (avg_idle against the max_newidle_lb_cost of sd_llc->parent, v3's gate domain, before"
                + " the peek; rd->overload still below it, as the 27 Sep kernel had it) stops too few peeks in the model:"
                + " that cost holds the peeks' own, about 1.5 us, and the newidle passes over a socket, 16-18 us where"
                + " they run, against an average avg_idle of 9-47 us at tbench 32-128 (at 32 clients half the newidle"
                + " entries fall below it: the loss is -20% with the check, -54% without); at 64 netperf pairs no newidle"
                + " pass reached the socket level, so only the peek's cost gates and no peek is stopped. On the machine"
                + " peeks waited on contended runqueue locks (the spin-lock slow path took 12.2% of cycles at tbench-128,"
                + " 31aeb639 thread), which the cost then holds; runqueue-lock contention is not modelled, and would not"
                + " close it here: holding each of the model's runqueue-lock acquisitions first come first served for its"
                + " cost, 74% of the pulls at tbench 64 would wait, 0.34 us on average";
        for (int c : new int[]{16, 32, 64, 128, 256}) KNOWN.put("shared_runq_idle_check vs tip (EEVDF) tbench:clients=" + c, checkWhy);
        for (int c : new int[]{16, 32, 64, 128, 256, 512}) KNOWN.put("shared_runq_idle_check vs tip (EEVDF) netperf-rr:pairs=" + c, checkWhy);
        String gateWhy = "the idle check gates the peek on the max_newidle_lb_cost of sd_llc->parent, and the model's"
                + " hackbench rows did not move when that gate moved there from sd_llc: it rarely stops a peek at 2-4"
                + " groups, and hackbench keeps v3's gain";
        KNOWN.put("shared_runq_idle_check vs tip (EEVDF) hackbench:groups=2", gateWhy);
        KNOWN.put("shared_runq_idle_check vs tip (EEVDF) hackbench:groups=4", gateWhy);
        String oneGroupWhy = "the row's run is hackbench's default (5 ms, mostly start-up), not the published regime"
                + " (10000+ loops of pipes and threads: 40 s of wall time per 16-group point here): the senders fill"
                + " the LLC they start in, a receiver woken by one of them stays on the sender's busy CPU"
                + " (wake_affine_idle's sync rule, then no idle CPU in select_idle_sibling's LLC) until a CPU of that LLC next"
                + " goes newidle, up to 0.4 ms (seed 1), so tip's time varies by 20% over seeds; the shared runqueue lets"
                + " any CPU of the LLC take such a wakee at once (-6.8% before boost by busy cores was modelled, -10.9% with"
                + " it)";
        KNOWN.put("shared_runq vs tip (EEVDF) hackbench:groups=1", oneGroupWhy);
        KNOWN.put("shared_runq_idle_check vs tip (EEVDF) hackbench:groups=1", oneGroupWhy);
        KNOWN.put("shared_runq vs tip (EEVDF) hackbench:groups=4", "the model's shared runqueue still conserves work within"
                + " the LLC at 4 groups (+13%) where the machine's gain had faded (+4.5%)");
        KNOWN.put("imb_numa_nr=LLCs vs 25% STREAM-16 NTIMES=10 Copy", "the model has one bandwidth for"
                + " every kernel: its +94% stands for Copy too, where the machine gained least (+33%; +70% for the others)");
        for (String op : new String[]{"Copy", "Triad"})
            KNOWN.put("tip + pinning vs tip unpinned STREAM-8 " + op, "the tip places the threads as printed (see the"
                    + " placement check), five of them sharing CPU 16 until the NUMA balancer moves them; the model has one"
                    + " bandwidth for every operation: the machine lost 14-21%, the model 33% (Triad's -16.7% allows -33.3%)");
        KNOWN.put("EEVDF vs CFS schbench:workers=128", "below the core count every woken worker finds an idle CPU under"
                + " both fair classes, and the p99 is the place of a worker in its message thread's wake loop (64 posts,"
                + " about 150 us), which neither class interrupts there; the model's classes differ by about 10%, the"
                + " other way round from the machine's 14%");
        KNOWN.put("EEVDF vs CFS tbench:clients=1024", "once both fair classes have settled the model has them at"
                + " parity (-1.3%, seed 1, 300 ms after a 2.5 s warm-up) where the machine lost 14% with EEVDF, which the"
                + " report's author and Mike Galbraith put down to tbench liking CFS's short-term fairness: CFS's"
                + " wakeup preemption and its slices are in the model, what of them tbench gains from at 8 tasks per CPU"
                + " is not found. Before settling the model's CFS leaves the second node idle (its utilisation 0.09 at"
                + " 0.5 s, 0.9 from 1.7 s): tbench's tasks ran within the last 500 us, so they are cache-hot, and the"
                + " NUMA level moves hot tasks only after three failed periodic passes, 512 ms apart on the idle node");
        KNOWN.put("SIS_UTIL vs SIS_PROP schbench:workers=512", "the p99 of 512 workers on 256 CPUs (old schbench, two"
                + " seeds) moved from -4.9% to +24.7% when boost by busy cores was modelled; the cause is not found");
        KNOWN.put("EEVDF vs CFS tbench:clients=256", "after the 2.5 s warm-up EEVDF is 7.8% ahead of CFS in the model"
                + " (seed 1) where the machine had it 8.1% behind: inside the parity band this row allows, with the"
                + " machine's opposite sign. The model's CFS with a newidle balance on every idle entry (ni_random=off,"
                + " as the row's 2023 kernels) and boost by busy cores stays behind; with 6.19's NI_RANDOM the classes"
                + " were at parity (-1.3% and -3.1%, seeds 1 and 2, steady warm-up); why is not found");
        KNOWN.put("placement tip + affinity cap", "node 1's CPUs are taken in ascending order: find_idlest_group_cpu prefers"
                + " the most recently idled CPU, and in the model every node-1 CPU has been idle since the start; the"
                + " machine's idle history put 112 first");
    }

    // ------------------------------------------------------------------------------------------ sizes and running

    /** How much is run. */
    public static final class Size {
        /** Seeds of throughput workloads, of hackbench (a run to completion), of schbench (a p99 latency). */
        final int seeds, hackbenchSeeds, latencySeeds;
        /** Measured window of throughput runs (after {@link PublishedTables#steadyWarmupNs}), and schbench's least one. */
        final long steadyNs, latencyNs;
        /** schbench's warm-up before its statistics start, or {@link RunSpec#WARMUP_AUTO}. */
        final long latencyWarmupNs;
        final Predicate<Row> rows;

        private Size(int seeds, int hackbenchSeeds, int latencySeeds, long steadyNs, long latencyNs, long latencyWarmupNs,
                     Predicate<Row> rows) {
            this.latencyWarmupNs = latencyWarmupNs;
            this.seeds = seeds;
            this.hackbenchSeeds = hackbenchSeeds;
            this.latencySeeds = latencySeeds;
            this.steadyNs = steadyNs;
            this.latencyNs = latencyNs;
            this.rows = rows;
        }

        /** A few cheap rows: what the test suite runs. */
        public static Size small() {
            return new Size(1, 4, 2, 200_000_000L, 500_000_000L, RunSpec.WARMUP_AUTO, r -> r.label().endsWith("tbench:clients=16")
                    || r.label().contains("NTIMES=10 Triad"));
        }

        /**
         * Every row: one seed of tbench, netperf and STREAM (the model's throughputs vary by a few percent from seed
         * to seed, against the ±10% the rule allows), 10 of hackbench and 4 of schbench's p99 (both vary more);
         * schbench after its own 5 s warm-up, as the curves run it ({@link MainlineCurves#SCHBENCH_WARMUP_NS}).
         */
        public static Size full() {
            return new Size(1, 10, 4, 300_000_000L, 3_000_000_000L, MainlineCurves.SCHBENCH_WARMUP_NS, r -> true);
        }

        int seedsOf(Side s) {
            if (s.workload().startsWith("hackbench")) return hackbenchSeeds;
            return s.workload().startsWith("schbench") ? latencySeeds : seeds;
        }
    }

    static List<Row> allRows() {
        List<Row> l = new ArrayList<>();
        for (Row[] set : new Row[][]{SET_1B, SET_4C, SET_5A, SET_5B, SET_6A}) l.addAll(List.of(set));
        return l;
    }

    private static boolean completion(String workload) { return workload.startsWith("hackbench") || workload.startsWith("stream"); }

    /** Every row of the size, checked; then the 5b placement lists. */
    public static List<Validation.Check> check(Size size, RunPool runs) {
        List<Row> rows = new ArrayList<>();
        for (Row r : allRows()) if (size.rows.test(r)) rows.add(r);
        // each distinct (topology, policy, workload) runs once over its seeds
        Map<String, Integer> first = new LinkedHashMap<>();
        List<RunSpec> specs = new ArrayList<>();
        for (Row r : rows)
            for (Side s : new Side[]{r.base(), r.variant()}) {
                String key = s.key(r.topology());
                if (first.containsKey(key)) continue;
                first.put(key, specs.size());
                boolean schbench = s.workload().startsWith("schbench");
                for (int seed = 1; seed <= size.seedsOf(s); seed++) {
                    RunSpec spec = schbench ? MainlineCurves.schbenchSpec(r.topology(), s.policy(), s.workload(), size.latencyNs,
                            size.latencyWarmupNs, seed)
                            : completion(s.workload()) ? PublishedTables.spec(r.topology(), s.policy(), s.workload(), 20_000_000_000L, seed)
                            : s.warmupNs() > 0 ? PublishedTables.spec(r.topology(), s.policy(), s.workload(),
                                    s.warmupNs() + size.steadyNs, seed, s.warmupNs())
                            : PublishedTables.steadySpec(r.topology(), s.policy(), s.workload(), size.steadyNs, seed);
                    spec.cfs = s.cfs();
                    specs.add(spec);
                }
            }
        double[] v = runs.headlines(specs);
        List<Validation.Check> out = new ArrayList<>();
        for (Row r : rows) {
            double base = mean(v, first.get(r.base().key(r.topology())), size.seedsOf(r.base()));
            double var = mean(v, first.get(r.variant().key(r.topology())), size.seedsOf(r.variant()));
            boolean higher = !r.base().workload().startsWith("hackbench") && !r.base().workload().startsWith("schbench");
            double model = higher ? 100 * (var / base - 1) : 100 * (1 - var / base);
            out.add(verdict(r, model));
        }
        out.addAll(placement());
        return out;
    }

    private static double mean(double[] v, int from, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) s += v[from + i];
        return s / n;
    }

    /** The row's rule applied to the model's change (both in percent improvement). */
    static Validation.Check verdict(Row r, double model) {
        double pub = r.published();
        boolean pass;
        double tolerance;
        String rule;
        if (Math.abs(pub) >= 10) {
            pass = Math.signum(model) == Math.signum(pub) && Math.abs(model) >= Math.abs(pub) / 2 && Math.abs(model) <= 2 * Math.abs(pub);
            tolerance = Math.abs(pub) / 2;   // the half-width below; the factor 2 above is twice as wide
            rule = "same sign, within x2";
        } else {
            pass = Math.abs(model) <= 10;
            tolerance = 10;
            rule = "within ±10% of parity";
        }
        String why = KNOWN.get(r.label());
        String name = String.format("set %s %s, %% improvement (published %+.2f; %s)", r.set(), r.label(), pub, rule);
        return new Validation.Check(name, model, Math.abs(pub) >= 10 ? pub : 0, tolerance, "%", pass, true, why);
    }

    /** 5b: the first CPU of each of the 7 threads of the pinned STREAM-8, parent on CPU 16, without and with the cap. */
    static List<Validation.Check> placement() {
        List<Validation.Check> out = new ArrayList<>();
        int[][] printed = {PLACEMENT_TIP, PLACEMENT_CAP};
        String[] policy = {TIP_518, CAP_V7};
        String[] what = {"tip", "tip + affinity cap"};
        for (int k = 0; k < 2; k++) {
            int[] model = streamEightForks(policy[k]);
            int[] children = java.util.Arrays.copyOfRange(model, 1, model.length);
            int mismatches = 0;
            for (int i = 0; i < children.length; i++) if (children[i] != printed[k][i]) mismatches++;
            boolean parentOk = model[0] == 16;
            String name = String.format("set 5b pinned STREAM-8 placement, %s: model %s parent %d, printed %s parent 16", what[k],
                    java.util.Arrays.toString(children), model[0], java.util.Arrays.toString(printed[k]));
            out.add(new Validation.Check(name, mismatches, 0, 0, "threads placed elsewhere", mismatches == 0 && parentOk, true,
                    KNOWN.get("placement " + what[k])));
        }
        return out;
    }

    /** sched_wakeup_new's target_cpu for the master and each thread of the pinned STREAM-8 under {@code policy}. */
    public static int[] streamEightForks(String policy) {
        Policies.Resolved p = Policies.resolve(policy);
        List<Integer> targets = new ArrayList<>();
        Machine m = new Machine(TopologySources.resolve(NPS1), p.policy, p.options, Workloads.parse(STREAM8 + PINNED + ",ntimes=1"),
                MachineConfig.of(2_000_000L, 1, true, true));
        m.setScheduleSink(new ScheduleSink() {
            @Override public void switchTo(long t, int cpu, int pid, String comm) {}
            @Override public void migrate(long t, int pid, String comm, int from, int to, String kind) {}
            @Override public void nrRunning(long t, int cpu, int n) {}
            @Override public void overhead(long t, int cpu, String kind, long ns) {}
            @Override public void taskName(int pid, int tgid, String comm) {}
            @Override public void wakeupNew(long t, int pid, String comm, int cpu) { targets.add(cpu); }
        });
        m.run();
        return targets.stream().mapToInt(Integer::intValue).toArray();
    }

    private static Row[] concat(Row[]... parts) {
        List<Row> l = new ArrayList<>();
        for (Row[] p : parts) l.addAll(List.of(p));
        return l.toArray(new Row[0]);
    }
}
