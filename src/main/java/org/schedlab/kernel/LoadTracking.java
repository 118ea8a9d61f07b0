package org.schedlab.kernel;

import org.schedlab.policy.Capacity;

/**
 * PELT glue: brings task and runqueue signals up to now with their current state, and moves a task's
 * signals between runqueues (attach_entity_load_avg / detach_entity_load_avg). util_est as the kernel keeps it
 * (util_est_enqueue, util_est_dequeue, util_est_update). Deviation: the UTIL_AVG_UNCHANGED skip is not
 * modelled, so an estimate is updated at every sleep.
 */
final class LoadTracking {
    private final Machine m;
    private final Cpu[] cpus;
    private final Pelt.Decay rqDecay = new Pelt.Decay();
    /** sched_asym_cpucap_active: some domain has SD_ASYM_CPUCAPACITY (CPUs of different capacity). */
    private final boolean asymCpuCap;

    LoadTracking(Machine m) {
        this.m = m;
        this.cpus = m.cpus;
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
        if (p == null || p.nrCpusAllowed == 1 || cpu.capacity == maxAllowedCapacity(p) || Capacity.fits(p.utilEst(), cpu.capacity)) {
            cpu.misfitTaskLoad = 0;
            return;
        }
        cpu.misfitTaskLoad = Math.max(p.loadAvg(), 1);
    }

    /** set_task_max_allowed_capacity: the largest capacity among the CPUs the task may run on. */
    private int maxAllowedCapacity(Task p) {
        if (p.maxAllowedCapacity < 0) {
            int max = 0;
            for (int c = 0; c < m.nrCpus; c++) if (p.canRunOn(c)) max = Math.max(max, cpus[c].capacity);
            p.maxAllowedCapacity = max;
        }
        return p.maxAllowedCapacity;
    }

    /** update_cfs_rq_load_avg: the runqueue's signals up to now. */
    void peltRq(Cpu cpu) {
        cpu.pelt.update(m.now, cpu.curr != null, cpu.nrRunning - cpu.nrDelayed, cpu.loadWeight, rqDecay);
    }

    /** update_load_avg of one entity up to now, from its state. */
    void syncTaskPelt(Task t) {
        boolean running = t.state == Task.State.RUNNING;
        boolean runnable = running || t.state == Task.State.RUNNABLE || t.state == Task.State.HELD;
        t.pelt.update(m.now, running, runnable ? 1 : 0, runnable ? t.weight : 0);
    }

    /** Moves the task's signals from its old runqueue to CPU c (-1: detach only). */
    void attachPelt(Task t, int c) {
        if (t.attachedCpu == c) return;
        syncTaskPelt(t);
        if (t.attachedCpu >= 0) {
            Cpu old = cpus[t.attachedCpu];
            peltRq(old);
            old.pelt.sub(t.pelt);
            // remove_entity_load_avg: the old runqueue folds the loss in at its next update
            if (m.tg != null) m.tg.removed(old.id);
        }
        if (c >= 0) {
            peltRq(cpus[c]);
            cpus[c].pelt.add(t.pelt);
        }
        t.attachedCpu = c;
    }

    /**
     * post_init_entity_util_avg: a new task starts with the runqueue's utilisation per unit of load times its
     * weight, at most half the CPU's spare capacity (all of that half on an empty runqueue); runnable = util.
     */
    void postInitEntityUtilAvg(Task t, Cpu cpu) {
        peltRq(cpu);
        double cap = (cpu.capacity - cpu.pelt.util) / 2;
        if (cap <= 0) return;
        double util = cpu.pelt.util != 0 ? Math.min(cap, cpu.pelt.util * t.weight / (cpu.pelt.load + 1)) : cap;
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

    /** cpu_util: max(util_avg, util_est) of the runqueue, at most its capacity. */
    double cpuUtil(Cpu cpu) {
        peltRq(cpu);
        return Math.min(Math.max(cpu.pelt.util, cpu.utilEst), cpu.capacity);
    }
}
