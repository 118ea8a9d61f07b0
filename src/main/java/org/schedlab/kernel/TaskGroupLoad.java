package org.schedlab.kernel;

/**
 * The task group a workload runs in when it is not the root group (an autogroup: the tasks of one login session
 * share one {@code task_group}), as far as keeping its load costs the CPUs. {@code tg->load_avg} is one cache line:
 * every CPU adds its group runqueue's load change to it ({@code update_tg_load_avg}) and reads it whenever it sizes
 * the group's entity on its runqueue ({@code update_cfs_group}, {@code calc_group_shares}). A write, and a read of
 * the line after another CPU wrote it, is a line transfer queued behind the CPUs that wrote it within the
 * contention window ({@link org.schedlab.cost.SharedLines}).
 * <p>
 * Deviations: the group entity's weight ({@code reweight_entity}) is not modelled — with every task of the workload
 * in one group it does not change which task runs; the cost is charged to the CPU whose runqueue changes, also when
 * a remote waker does the enqueue.
 */
final class TaskGroupLoad {
    static final String LINE = "tg.load_avg";
    /** PELT's period, 1024 µs as 2^20 ns: an update in a new period has decayed the averages. */
    private static final int PERIOD_SHIFT = 20;
    private static final long RATELIMIT_NS = 1_000_000;

    private final Machine m;
    /** 1528c661c24b (6.7): at most one update of tg->load_avg per ms per runqueue. */
    private final boolean ratelimit;
    /** cfs_rq->tg_load_avg_contrib: what this CPU last added to tg->load_avg. */
    private final long[] contrib;
    /** cfs_rq->last_update_tg_load_avg. */
    private final long[] lastUpdate;
    /** The PELT period of the runqueue's last update_load_avg. */
    private final long[] lastPeriod;
    /** cfs_rq->removed.nr: a task that left without a detach (woken elsewhere) awaits the next update. */
    private final boolean[] removed;

    TaskGroupLoad(Machine m, boolean ratelimit) {
        this.m = m;
        this.ratelimit = ratelimit;
        int n = m.nrCpus;
        contrib = new long[n];
        lastUpdate = new long[n];
        lastPeriod = new long[n];
        removed = new boolean[n];
        java.util.Arrays.fill(lastUpdate, Long.MIN_VALUE / 2);
    }

    /**
     * update_load_avg(UPDATE_TG) of the CPU's group runqueue: update_tg_load_avg when the averages decayed (a new
     * PELT period) or removed load was folded in; {@code attachDetach} is the DO_ATTACH/DO_DETACH path, which calls
     * it regardless. {@code leaving} is the load of a task being detached, not yet taken off the signals here.
     */
    void updateLoadAvg(Cpu cpu, boolean attachDetach, double leaving) {
        int c = cpu.id;
        long period = m.now >>> PERIOD_SHIFT;
        boolean decayed = period != lastPeriod[c] || removed[c];
        lastPeriod[c] = period;
        removed[c] = false;
        if (decayed || attachDetach) updateTgLoadAvg(cpu, leaving);
    }

    /** update_tg_load_avg: adds the runqueue's load change to tg->load_avg once it exceeds 1/64 of what it added last. */
    private void updateTgLoadAvg(Cpu cpu, double leaving) {
        int c = cpu.id;
        if (ratelimit && m.now - lastUpdate[c] < RATELIMIT_NS) return;
        long load = Math.max(0, (long) (cpu.pelt.load - leaving));
        long delta = load - contrib[c];
        if (Math.abs(delta) <= contrib[c] / 64) return;
        m.time.chargeKernel(c, m.lines.update(LINE, c, m.now), CpuTime.KK_TG_LOAD);
        m.rec.count("tg_load_avg.updates", 1);
        contrib[c] = load;
        lastUpdate[c] = m.now;
    }

    /** remove_entity_load_avg: the CPU's runqueue lost a sleeping task's load; its next update folds it in. */
    void removed(int c) { removed[c] = true; }

    /** update_cfs_group of the group entity: calc_group_shares reads tg->load_avg (nothing when the group runqueue is empty). */
    void updateCfsGroup(Cpu cpu) {
        if (cpu.nrRunning == 0) return;
        m.rec.count("tg_load_avg.reads", 1);
        m.time.chargeKernel(cpu.id, m.lines.read(LINE, cpu.id, m.now), CpuTime.KK_TG_LOAD);
    }
}
