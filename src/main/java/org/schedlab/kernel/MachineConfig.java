package org.schedlab.kernel;

import org.schedlab.cost.CostModel;
import org.schedlab.workload.TaskTemplate;

/** Settings of one simulated run that are not the topology, policy or workload. */
public final class MachineConfig {
    /** Tick rate. 250 is the Kconfig default (CONFIG_HZ_250) that the upstream tip tree builds with. */
    public int hz = 250;
    /**
     * DELAY_DEQUEUE (6.12+): a task that sleeps while not eligible stays on its runqueue, counted in
     * nr_running, until it would be picked (then leaves) or wakes (then simply runs there again).
     * Off by default here; the published tables this project compares against predate it in part.
     */
    public boolean delayDequeue;
    /** The fair class of 5.19 (CFS: {@link Cfs}) instead of EEVDF. */
    public boolean cfs;
    /**
     * The workload runs in one task group of its own (an autogroup, as a benchmark started from a login shell with
     * CONFIG_SCHED_AUTOGROUP gets), whose tg->load_avg every CPU keeps ({@code TaskGroupLoad}); off = the root group.
     */
    public boolean autogroup;
    /** 1528c661c24b (6.7): update_tg_load_avg at most once per ms per runqueue; off for kernels before it. */
    public boolean tgLoadRatelimit = true;
    /** Time slicing, tick preemption and wakeup preemption; off = run until block or exit. */
    public boolean slice = true;
    /** sysctl_sched_base_slice before scaling by 1 + ilog2(min(cpus, 8)): 0.70 ms since 6.15. */
    public long normalizedBaseSliceNs = 700_000;
    /** sysctl_sched_migration_cost. */
    public long migrationCostNs = 500_000;
    /** Speed of each thread of a core while another thread of it is busy (estimate: 1.25× per core with SMT2). */
    public double smtSpeed = 0.625;
    /** Memory bandwidth one core can draw, bytes per ns (the reference core's, {@link TaskTemplate#CORE_MEMORY_BYTES_PER_NS}). */
    public double memBwPerCore = TaskTemplate.CORE_MEMORY_BYTES_PER_NS;
    /**
     * Bandwidth of one LLC's link to memory (estimate: ~50 GB/s per CCD; no per-CCD measurement of Milan was found).
     */
    public double memBwPerLlc = 50.0;
    /**
     * STREAM bandwidth of one package's memory, bytes per ns: 120, the four kernels' bytes over their times with 16
     * threads, 8 per socket, on 2 × 64-core Zen 3 in NPS1 (published 5a, e496132ebedd v6, 100 iterations). A node
     * holding part of a package (NPS2, NPS4) gets its share of CPUs of it.
     */
    public double memBwPerPackage = 120.0;
    public long durationNs = 1_000_000_000L;
    public long warmupNs = 0;
    public long seed = 1;
    public CostModel costs = CostModel.defaults();
    /** Check after every event that each task is in exactly one place (slow; for tests). */
    public boolean checkInvariants;
    /** Buckets of the per-CPU utilisation timeline (0 = none). */
    public int timelineBuckets = 200;
    /** Record the schedule (switches, migrations) for trace export. */
    public boolean recordSchedule;
    public long scheduleFromNs = 0, scheduleToNs = Long.MAX_VALUE;

    /**
     * A configuration for checks and tests: no timeline, the given duration, seed, costs and slicing, and no boost
     * (their closed forms run a CPU at its capacity however many are busy).
     */
    public static MachineConfig of(long durationNs, long seed, boolean costs, boolean slice) {
        MachineConfig c = new MachineConfig();
        c.durationNs = durationNs;
        c.seed = seed;
        c.costs = (costs ? CostModel.defaults() : CostModel.none()).withoutBoost();
        c.slice = slice;
        c.timelineBuckets = 0;
        return c;
    }

    public long tickNs() { return 1_000_000_000L / hz; }

    /** Effective base slice for {@code nrCpus} CPUs (SCHED_TUNABLESCALING_LOG). */
    public long baseSliceNs(int nrCpus) {
        int factor = 1 + (31 - Integer.numberOfLeadingZeros(Math.min(nrCpus, 8)));
        return normalizedBaseSliceNs * factor;
    }
}
