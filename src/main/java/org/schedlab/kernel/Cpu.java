package org.schedlab.kernel;

/**
 * One CPU and its fair runqueue: the EEVDF entity set (running task included, as the kernel's avg_vruntime
 * does, with its arithmetic in {@link Eevdf}), the cfs_tasks MRU list, PELT aggregates, idle/nohz state and
 * time accounting.
 * DELAY_DEQUEUE is optional (off by default): an ineligible sleeper then stays queued until picked or woken.
 */
final class Cpu {
    final int id;
    /** capacity_of: what the scheduler believes ({@link org.schedlab.topology.Topology#kernelCapacityOf}). */
    final int capacity;
    /** How fast tasks progress here, relative to the fastest CPU kind (1024). */
    final int speed;
    /** rq->misfit_task_load (update_misfit_status). */
    long misfitTaskLoad;

    // runqueue
    Task curr;
    /** cfs_tasks: index 0 = tail (least recently run), last = head. Includes curr. */
    final CfsTasks tasks = new CfsTasks();
    /** tasks_timeline: the queued entities but curr, by deadline. */
    final EevdfTree timeline = new EevdfTree();
    int nrRunning;
    int nrDelayed;             // sleepers still queued (DELAY_DEQUEUE), included in nrRunning
    long loadWeight;           // Σ weights of entities on the queue
    long avgVruntimeSum;       // Σ w·(v − zeroV)
    long zeroV;
    /** CFS (--fair cfs): min_vruntime, and the next, last and skip buddies. */
    long minVruntime;
    Task next, last, skip;
    /**
     * The runqueue's signals integrated in continuous time: brought forward whenever the state they integrate
     * changes. What the scheduler reads is {@link #loadAvg}, {@link #runnableAvg} and {@link #utilAvg}.
     */
    final Pelt pelt;
    /**
     * cfs_rq->avg.load_avg, runnable_avg and util_avg as the kernel keeps them: integers, changed only where the
     * kernel updates them (update_cfs_rq_load_avg from update_load_avg and sched_balance_update_blocked_averages).
     */
    long loadAvg, runnableAvg, utilAvg;
    /** cfs_rq->avg.util_est: Σ of the enqueued tasks' estimates. */
    double utilEst;
    /** rq->has_blocked_load: set when the tick stops, cleared once the blocked averages have decayed to zero. */
    boolean hasBlockedLoad;
    /** rq->last_blocked_load_update_tick (jiffies). */
    long lastBlockedLoadUpdateTick;
    boolean needResched;
    boolean sliceExpired;
    int ttwuPending;

    // idle and nohz
    /** Sleep timers armed on this CPU. */
    final TimerQueue timers = new TimerQueue();
    boolean tickStopped;
    /** The menu governor's last 8 idle durations in µs (menu_update_intervals), a ring. */
    final long[] idleIntervalsUs = new long[8];
    int idleIntervalPtr;
    /** The idle task runs (do_idle), as opposed to a transient empty runqueue inside __schedule. */
    boolean inIdleTask = true;
    /** The address space loaded (active_mm): the idle task keeps its predecessor's (lazy TLB); -1 none modelled. */
    int loadedMm = -1;
    boolean tickArmed;
    long idleSince;            // -1 when busy
    /**
     * rq->idle_stamp: set when newidle balancing starts without a pending wakeup, cleared when that pass finds a
     * task or when a wakeup samples it; -1 for 0.
     */
    long idleStamp = -1;
    long avgIdle;
    long maxIdleBalanceCost;
    boolean newidle;
    boolean runArmed;
    long genTick;
    long genRun;
    /**
     * The idle task is on its way out (do_idle after need_resched: tick_nohz_idle_exit, then schedule_idle): a task
     * is queued here but not yet picked; the pick waits for the end of the idle switch.
     */
    boolean idleExiting;
    /**
     * When the current idle exit began (the wakeup's enqueue); -1 none.
     * Set until the schedule at its end is over, so a switch then knows the idle switch was charged at its start.
     */
    long idleExitFrom = -1;
    /** Event-queue slots of the armed run completion, the armed tick and the end of an idle exit. */
    int runSlot, tickSlot, idleExitSlot;

    // time accounting
    long kernelStart, kernelUntil;
    long busyNs, idleNs, overheadNs;
    long chargedNs;
    long lastAccount;
    long genStep;              // invalidates step / completion events of this CPU
    double rate = 1.0;         // progress per ns for the running task

    Cpu(int id, int capacity, int speed, long now, long migrationCostNs) {
        this.id = id;
        this.capacity = capacity;
        this.speed = speed;
        this.pelt = new Pelt(now);
        this.idleSince = now;
        this.avgIdle = 2 * migrationCostNs;
        this.maxIdleBalanceCost = migrationCostNs;
        this.lastAccount = now;
        this.rate = speed / 1024.0;
    }

    /** idle_cpu(); the counts are read first: on a busy CPU they settle it without reading {@link #curr}. */
    boolean isIdle() { return nrRunning == 0 && ttwuPending == 0 && curr == null; }
}
