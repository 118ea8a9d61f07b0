package org.schedlab.kernel;

/**
 * The fair class before EEVDF (CFS as in 5.19, {@code --fair cfs}): the runqueue's monotonic min_vruntime, sleeper
 * placement half a latency period behind it, START_DEBIT for new tasks, the slice of a latency period shared by
 * weight, tick preemption (check_preempt_tick), wakeup preemption past a wakeup granularity
 * (check_preempt_wakeup) and the pick of the leftmost entity unless a next or last buddy is within a granularity
 * of it (pick_next_entity). Free of time and events; quantities in ns and the kernel's integer arithmetic.
 * <p>
 * Tunables follow SCHED_TUNABLESCALING_LOG: sysctl_sched_latency 6 ms, sysctl_sched_min_granularity 0.75 ms and
 * sysctl_sched_wakeup_granularity 1 ms, each times 1 + ilog2(min(CPUs, 8)); sched_nr_latency 8.
 */
final class Cfs {
    final long latencyNs, minGranularityNs, wakeupGranularityNs;
    static final int NR_LATENCY = 8;

    Cfs(int nrCpus) {
        int factor = 1 + (31 - Integer.numberOfLeadingZeros(Math.min(nrCpus, 8)));
        latencyNs = 6_000_000L * factor;
        minGranularityNs = 750_000L * factor;
        wakeupGranularityNs = 1_000_000L * factor;
    }

    /** calc_delta_fair: ns of a nice-0 entity's time as this entity's virtual time. */
    static long deltaFair(long ns, Task se) { return se.weight == 1024 ? ns : ns * 1024L / se.weight; }

    /** __sched_period: the latency period, stretched to min_granularity per task beyond sched_nr_latency tasks. */
    long period(int nrRunning) { return nrRunning > NR_LATENCY ? nrRunning * minGranularityNs : latencyNs; }

    /** sched_slice: the entity's weighted share of the period, counting it as queued if it is not. */
    long slice(Cpu rq, Task se) {
        int nr = rq.nrRunning + (se.onRq ? 0 : 1);
        long load = rq.loadWeight + (se.onRq ? 0 : se.weight);
        long p = period(nr);
        return load == 0 ? p : p * se.weight / load;
    }

    /** update_min_vruntime: never backwards; the smaller of the running entity's and the leftmost's vruntime. */
    static void updateMinVruntime(Cpu rq) {
        Task curr = rq.curr != null && rq.curr.onRq ? rq.curr : null;
        Task left = rq.timeline.minVruntime();
        long v = rq.minVruntime;
        if (curr != null) v = curr.vruntime;
        if (left != null) v = curr == null ? left.vruntime : Math.min(v, left.vruntime);
        rq.minVruntime = Math.max(rq.minVruntime, v);
    }

    /** update_curr's vruntime part. */
    static void updateCurr(Cpu rq, Task se, long deltaExec) {
        if (deltaExec <= 0) return;
        long dv = deltaFair(deltaExec, se);
        if (se.onRq) rq.avgVruntimeSum += (long) se.weight * dv;
        se.vruntime += dv;
        updateMinVruntime(rq);
    }

    /**
     * The entity joins runqueue {@code rq}: a migrated one keeps its vruntime relative to the min_vruntime of the
     * runqueue it left (migrate_task_rq_fair, then the renormalisation of enqueue_entity); then place_entity. A
     * new task starts at max(its parent's vruntime, min_vruntime + its vslice) (task_fork_fair with START_DEBIT);
     * a waking one at no less than min_vruntime − latency/2 (GENTLE_FAIR_SLEEPERS).
     * Deviation: a child whose parent is not running on a CPU starts at min_vruntime + vslice of its new runqueue.
     */
    void place(Cpu rq, Cpu from, Task se, boolean initial, boolean wakeup, Cpu parentRq, Task parent) {
        if (initial) {
            Cpu base = parentRq != null ? parentRq : rq;
            long rel = deltaFair(slice(base, se), se);
            if (parentRq != null && parent != null) rel = Math.max(parent.vruntime - parentRq.minVruntime, rel);
            se.vruntime = rq.minVruntime + rel;
            return;
        }
        if (from != null && from != rq) se.vruntime = se.vruntime - from.minVruntime + rq.minVruntime;
        if (wakeup) se.vruntime = Math.max(se.vruntime, rq.minVruntime - latencyNs / 2);
    }

    /** wakeup_preempt_entity(curr, se): 1 when se is behind curr by more than se's wakeup granularity. */
    int wakeupPreemptEntity(Task curr, Task se) {
        long vdiff = curr.vruntime - se.vruntime;
        if (vdiff <= 0) return -1;
        return vdiff > deltaFair(wakeupGranularityNs, se) ? 1 : 0;
    }

    /**
     * pick_next_entity: the leftmost of the queued entities and the running one, unless it is the yielding (skip)
     * buddy; then the next buddy, else the last buddy, if within a wakeup granularity of it. The picked entity's
     * buddy marks are cleared.
     * Deviation: a skipped leftmost gives way to the leftmost of the others only when it is the running entity.
     */
    Task pick(Cpu rq) {
        if (rq.nrRunning == 0) return null;
        Task curr = rq.curr != null && rq.curr.onRq ? rq.curr : null;
        Task queued = rq.timeline.minVruntime();
        Task left = queued == null || (curr != null && curr.vruntime < queued.vruntime) ? curr : queued;
        Task se = left;
        // a yielding running entity gives way to the leftmost queued one
        if (rq.skip != null && rq.skip == se && se == curr && queued != null && wakeupPreemptEntity(queued, left) < 1)
            se = queued;
        if (rq.next != null && rq.next.onRq && wakeupPreemptEntity(rq.next, left) < 1) se = rq.next;
        else if (rq.last != null && rq.last.onRq && wakeupPreemptEntity(rq.last, left) < 1) se = rq.last;
        clearBuddies(rq, se);
        return se;
    }

    /** clear_buddies. */
    static void clearBuddies(Cpu rq, Task se) {
        if (rq.next == se) rq.next = null;
        if (rq.last == se) rq.last = null;
        if (rq.skip == se) rq.skip = null;
    }

    /**
     * check_preempt_tick: the running entity has had its slice, or at least min_granularity and more than a slice of
     * virtual time ahead of the leftmost.
     */
    boolean tickPreempts(Cpu rq, Task curr) {
        long ideal = slice(rq, curr);
        long deltaExec = curr.sumExecRuntime - curr.prevSumExecRuntime;
        if (deltaExec > ideal) {
            clearBuddies(rq, curr);
            return true;
        }
        if (deltaExec < minGranularityNs) return false;
        Task left = rq.timeline.minVruntime();
        if (left == null) return false;
        long delta = curr.vruntime - left.vruntime;
        return delta > ideal;
    }

    /**
     * check_preempt_wakeup after {@code p} joined the runqueue of the running {@code curr}: preempt when p is more
     * than a wakeup granularity behind, making p the next buddy and, with sched_nr_latency or more tasks queued,
     * curr the last buddy.
     */
    boolean wakeupPreempts(Cpu rq, Task curr, Task p) {
        if (wakeupPreemptEntity(curr, p) != 1) return false;
        rq.next = p;
        if (curr.onRq && rq.nrRunning >= NR_LATENCY) rq.last = curr;
        return true;
    }
}
