package org.schedlab.policy;

/**
 * What a pass adds up over the CPUs of a sched group (update_sg_lb_stats, update_sg_wakeup_stats), filled by
 * {@link RqReader#sum}. The sums are exact: integers, added as the kernel adds them.
 */
public final class RqSums {
    /** Σ cpu_load, Σ cpu_util_cfs and Σ cpu_runnable. */
    public long load, util, runnable;
    /** Σ nr_running. */
    public int nrRunning;
    /** CPUs that are idle (idle_cpu: nothing running, queued or on its way). */
    public int idleCpus;
    /** CPUs running more than one task. */
    public int overloadedCpus;
    /** The largest rq->misfit_task_load among the CPUs that are not idle (0: none). */
    public long misfitTaskLoad;
    /** CPUs summed, Σ capacity_of and the largest capacity_of among them. */
    public int weight, capacity, maxCapacity;

    /** Back to an empty sum. */
    public void clear() {
        load = util = runnable = misfitTaskLoad = 0;
        nrRunning = idleCpus = overloadedCpus = weight = capacity = maxCapacity = 0;
    }
}
