package org.schedlab.kernel;

import org.schedlab.policy.Capacity;

/**
 * PELT glue: brings task and runqueue signals up to now with their current state, sets the runqueue averages the
 * scheduler reads only where the kernel updates them (update_load_avg, sched_balance_update_blocked_averages), and
 * moves a task's signals between runqueues (attach_entity_load_avg, detach_entity_load_avg,
 * remove_entity_load_avg). util_est as the kernel keeps it
 * (util_est_enqueue, util_est_dequeue, util_est_update). Deviation: the UTIL_AVG_UNCHANGED skip is not
 * modelled, so an estimate is updated at every sleep.
 */
final class LoadTracking {
    private final Machine m;
    private final Pelt.Decay rqDecay = new Pelt.Decay();
    /** sched_asym_cpucap_active: some domain has SD_ASYM_CPUCAPACITY (CPUs of different capacity). */
    private final boolean asymCpuCap;

    LoadTracking(Machine m) {
        this.m = m;
        boolean asym = false;
        for (int c = 0; c < m.nrCpus && !asym; c++) asym = m.sds.sdAsymCpuCapacity(c) != null;
        this.asymCpuCap = asym;
    }

    /**
     * update_misfit_status: on a machine of mixed capacities, {@code rq->misfit_task_load} is the load of the
     * current task when it does not fit this CPU and could run on a bigger one; 0 otherwise (and when idle).
     * Deviation: no uclamp, so task_fits_cpu is fits_capacity(task_util_est, capacity_of).
     */
    void updateMisfitStatus(Task p, Cpu cpu) {
        if (!asymCpuCap) return;
        if (p == null || p.nrCpusAllowed == 1 || cpu.capacity == maxAllowedCapacity(p) || Capacity.fits(p.utilEst(), cpu.capacity))
            cpu.misfitTaskLoad = 0;
        else
            cpu.misfitTaskLoad = Math.max((long) p.loadAvg(), 1);
        m.groups.refresh(cpu);
    }

    /** set_task_max_allowed_capacity: the largest capacity among the CPUs the task may run on. */
    private int maxAllowedCapacity(Task p) {
        if (p.maxAllowedCapacity < 0) {
            int max = 0;
            for (int c = 0; c < m.nrCpus; c++) if (p.canRunOn(c)) max = Math.max(max, m.cpus[c].capacity);
            p.maxAllowedCapacity = max;
        }
        return p.maxAllowedCapacity;
    }

    /**
     * The runqueue's continuous signals up to now under the state they integrate (run before that state changes).
     * Nothing the scheduler reads changes: that happens only in {@link #updateCfsRqLoadAvg}.
     */
    void syncRqPelt(Cpu cpu) {
        cpu.pelt.update(m.now, cpu.curr != null, cpu.nrRunning - cpu.nrDelayed, cpu.loadWeight, rqDecay);
    }

    /**
     * update_cfs_rq_load_avg: the runqueue's averages decayed and accrued up to now, and what the scheduler reads
     * (cfs_rq->avg) set from them. Signals of tasks that left since the last update ({@link #removeEntityLoadAvg})
     * leave what is read here, as cfs_rq->removed is folded in.
     * Deviation: the averages read are the integer parts of the continuous signals ({@link Pelt}).
     */
    void updateCfsRqLoadAvg(Cpu cpu) {
        syncRqPelt(cpu);
        publish(cpu);
    }

    private static void publish(Cpu cpu) {
        cpu.loadAvg = (long) cpu.pelt.load;
        cpu.runnableAvg = (long) cpu.pelt.runnable;
        cpu.utilAvg = (long) cpu.pelt.util;
    }

    /** update_load_avg: the entity's signals and its runqueue's averages up to now. */
    void updateLoadAvg(Cpu cpu, Task se) {
        syncTaskPelt(se);
        updateCfsRqLoadAvg(cpu);
    }

    /** update_load_avg of one entity up to now, from its state. */
    void syncTaskPelt(Task t) {
        boolean running = t.state == Task.State.RUNNING;
        boolean runnable = running || t.state == Task.State.RUNNABLE || t.state == Task.State.HELD;
        t.pelt.update(m.now, running, runnable ? 1 : 0, runnable ? t.weight : 0);
    }

    /**
     * enqueue_entity's update_load_avg(DO_ATTACH): the runqueue's averages up to now, and a task that comes from
     * another runqueue (or none) brings its signals (attach_entity_load_avg). One still attached elsewhere is
     * removed there first (migrate_task_rq_fair, when set_task_cpu did not already).
     */
    void enqueueLoadAvg(Task t, Cpu cpu) {
        migrateTaskRqFair(t, cpu.id);
        updateLoadAvg(cpu, t);
        boolean attach = t.attachedCpu != cpu.id;
        if (attach) {
            cpu.pelt.add(t.pelt);
            publish(cpu);
            t.attachedCpu = cpu.id;
        }
        if (m.tg != null) m.tg.updateLoadAvg(cpu, attach, 0);
    }

    /**
     * dequeue_entity's update_load_avg: the runqueue's averages up to now; a task migrating away takes its signals
     * with it at once (DO_DETACH, detach_entity_load_avg).
     */
    void dequeueLoadAvg(Task t, Cpu cpu, boolean migrating) {
        updateLoadAvg(cpu, t);
        boolean detach = migrating && t.attachedCpu == cpu.id;
        if (detach) {
            cpu.pelt.sub(t.pelt);
            publish(cpu);
            t.attachedCpu = -1;
        }
        if (m.tg != null) m.tg.updateLoadAvg(cpu, detach, 0);
    }

    /** migrate_task_rq_fair for a task that is not queued: it is removed from the runqueue it last ran on. */
    void migrateTaskRqFair(Task t, int newCpu) {
        if (t.attachedCpu >= 0 && t.attachedCpu != newCpu) removeEntityLoadAvg(t);
    }

    /**
     * remove_entity_load_avg: a task that is not queued leaves its runqueue's signals (woken elsewhere, or dead).
     * The kernel parks it in cfs_rq->removed until the runqueue's next update; taking it out of the continuous
     * signals now gives the same averages at that update, and nothing reads them before.
     */
    void removeEntityLoadAvg(Task t) {
        if (t.attachedCpu < 0) return;
        Cpu old = m.cpus[t.attachedCpu];
        syncTaskPelt(t);
        syncRqPelt(old);
        old.pelt.sub(t.pelt);
        if (m.tg != null) m.tg.removed(old.id);
        t.attachedCpu = -1;
    }

    /**
     * sched_balance_update_blocked_averages: the runqueue's averages up to now (decaying the load its sleeping
     * tasks left), stamping rq->last_blocked_load_update_tick; rq->has_blocked_load is cleared once nothing is
     * left to decay (cfs_rq_has_blocked: load_avg and util_avg zero; no RT, DL or IRQ signals are modelled).
     * Returns rq->has_blocked_load.
     */
    boolean updateBlockedAverages(Cpu cpu) {
        cpu.lastBlockedLoadUpdateTick = m.now / m.tickNs;
        updateCfsRqLoadAvg(cpu);
        // __update_blocked_fair: update_tg_load_avg when the averages decayed
        if (m.tg != null) m.tg.updateLoadAvg(cpu, false, 0);
        if (cpu.loadAvg == 0 && cpu.utilAvg == 0) cpu.hasBlockedLoad = false;
        m.groups.refresh(cpu);
        return cpu.hasBlockedLoad;
    }

    /**
     * post_init_entity_util_avg: a new task starts with the runqueue's utilisation per unit of load times its
     * weight, at most half the CPU's spare capacity (all of that half on an empty runqueue); runnable = util.
     */
    void postInitEntityUtilAvg(Task t, Cpu cpu) {
        long cap = (cpu.capacity - cpu.utilAvg) / 2;
        if (cap <= 0) return;
        long util = cpu.utilAvg != 0 ? Math.min(cap, cpu.utilAvg * t.weight / (cpu.loadAvg + 1)) : cap;
        t.pelt.util = util;
        t.pelt.runnable = util;
    }

    /** util_est_enqueue: the runqueue's estimate grows by the task's (its EWMA). */
    void utilEstEnqueue(Task t, Cpu cpu) {
        t.utilEstEnqueued = t.utilEstEwma;
        cpu.utilEst += t.utilEstEnqueued;
    }

    /** util_est_dequeue, then util_est_update when the task goes to sleep. */
    void utilEstDequeue(Task t, Cpu cpu, boolean sleep) {
        cpu.utilEst = Math.max(0, cpu.utilEst - t.utilEstEnqueued);
        t.utilEstEnqueued = 0;
        if (!sleep) return;
        double dequeued = t.pelt.util;
        double ewma = t.utilEstEwma;
        // increases are taken at once; decreases smoothed with weight 1/4, unless within 1% or the task
        // did not get all the CPU time it wanted
        if (ewma <= dequeued) {
            t.utilEstEwma = dequeued;
            return;
        }
        double diff = ewma - dequeued;
        if (diff < UTIL_EST_MARGIN) return;
        if (dequeued + UTIL_EST_MARGIN < t.pelt.runnable) return;
        t.utilEstEwma = ewma - diff / 4;
    }

    /** UTIL_EST_MARGIN: 1% of the capacity scale. */
    private static final double UTIL_EST_MARGIN = 1024 / 100;

    /** cpu_util_cfs: max(util_avg, util_est) of the runqueue as last updated, at most its capacity. */
    static long cpuUtilCfs(Cpu cpu) {
        return Math.min(Math.max(cpu.utilAvg, (long) cpu.utilEst), cpu.capacity);
    }
}
