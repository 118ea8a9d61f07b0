package org.schedlab.kernel;

/**
 * EEVDF arithmetic of the fair class on one runqueue ({@link Cpu}) and its entities ({@link Task}), free of
 * time, events and policy: the weighted average vruntime V, eligibility, placement with lag, the pick and
 * the deadline rules. All quantities are integers, rounded as the kernel rounds them.
 */
final class Eevdf {
    private Eevdf() {}

    /** avg_vruntime: V = Σ w·v / Σ w, rounded towards −∞ so that V is never ahead of the true mean. */
    static long avgVruntime(Cpu rq) {
        if (rq.loadWeight == 0) return rq.zeroV;
        long avg = rq.avgVruntimeSum;
        if (avg < 0) avg -= rq.loadWeight - 1;
        return rq.zeroV + avg / rq.loadWeight;
    }

    /** vruntime_eligible: lag ≥ 0, i.e. Σ w·(v_se − v) ≤ Σ w·(v_i − v), without the division. */
    static boolean eligible(Cpu rq, Task se) {
        return (se.vruntime - rq.zeroV) * rq.loadWeight <= rq.avgVruntimeSum || rq.loadWeight == 0;
    }

    /** sum_w_vruntime_add: the entity joins the sums; the first one sets the zero point of the keys. */
    static void addEntity(Cpu rq, Task se) {
        if (rq.loadWeight == 0) {
            rq.avgVruntimeSum = 0;
            rq.zeroV = se.vruntime;
        }
        rq.avgVruntimeSum += (long) se.weight * (se.vruntime - rq.zeroV);
        rq.loadWeight += se.weight;
    }

    /** sum_w_vruntime_sub. */
    static void removeEntity(Cpu rq, Task se) {
        rq.avgVruntimeSum -= (long) se.weight * (se.vruntime - rq.zeroV);
        rq.loadWeight -= se.weight;
        if (rq.loadWeight == 0) rq.avgVruntimeSum = 0;
    }

    /**
     * update_curr's vruntime part and update_deadline: charges {@code deltaExec} ns to the running entity;
     * true if it reached its deadline and was given a new slice.
     */
    static boolean updateCurr(Cpu rq, Task se, long deltaExec, long sliceNs) {
        if (deltaExec <= 0) return false;
        long dv = deltaExec * 1024L / se.weight;
        if (se.onRq) rq.avgVruntimeSum += (long) se.weight * dv;
        se.vruntime += dv;
        if (se.vruntime >= se.deadline) {
            se.slice = sliceNs;
            se.deadline = se.vruntime + sliceNs * 1024L / se.weight;
            return true;
        }
        return false;
    }

    /**
     * __pick_eevdf: the eligible entity with the earliest virtual deadline, from the tree of the others
     * ({@link EevdfTree}) and the running entity; the running entity is kept while it is protected
     * (RUN_TO_PARITY) and eligible. With no eligible entity (rounding), the one of lowest vruntime.
     */
    static Task pickEevdf(Cpu rq, boolean honourProtection) {
        int n = rq.tasks.size();
        if (n == 0) return null;
        if (n == 1) return rq.tasks.get(0);
        Task c = rq.curr != null && rq.curr.onRq ? rq.curr : null;
        if (c != null && honourProtection && c.vruntime < c.vprot && eligible(rq, c)) return c;
        Task best = rq.timeline.earliestEligible(rq);
        // the running entity wins only with a strictly earlier deadline (entity_before)
        if (c != null && eligible(rq, c) && (best == null || c.deadline < best.deadline)) best = c;
        if (best != null) return best;
        // none eligible (rounding): the least vruntime, the running entity only if strictly less
        Task leftmost = rq.timeline.minVruntime();
        if (c != null && rq.tasks.contains(c) && (leftmost == null || c.vruntime < leftmost.vruntime)) leftmost = c;
        return leftmost;
    }

    /**
     * place_entity: vruntime = V − lag, the lag inflated by (W + w)/W so that it survives the entity's own
     * effect on V; a migrated entity keeps its relative deadline, a new one (initial) starts with half a
     * slice (PLACE_DEADLINE_INITIAL).
     */
    static void placeEntity(Cpu rq, Task se, boolean initial, long sliceNs) {
        long v = avgVruntime(rq);
        long lag = 0;
        if (!initial) {
            lag = se.vlag;
            if (rq.loadWeight > 0) lag = lag * (rq.loadWeight + se.weight) / rq.loadWeight;
        }
        se.vruntime = v - lag;
        if (se.slice == 0) se.slice = sliceNs;
        long vslice = se.slice * 1024L / se.weight;
        if (se.relDeadline != Long.MIN_VALUE) {
            se.deadline = se.vruntime + se.relDeadline;
            se.relDeadline = Long.MIN_VALUE;
        } else {
            if (initial) vslice /= 2;
            se.deadline = se.vruntime + vslice;
        }
    }

    /** update_entity_lag: vlag = V − v, clamped to ±(max(slice, base slice) + tick) in virtual time. */
    static void updateEntityLag(Cpu rq, Task se, long sliceNs, long tickNs) {
        long v = avgVruntime(rq);
        long limit = (Math.max(se.slice, sliceNs) + tickNs) * 1024L / se.weight;
        se.vlag = Math.max(-limit, Math.min(limit, v - se.vruntime));
    }

    /** set_protect_slice: the running entity is not preempted by pick before min(deadline, v + slice). */
    static void setProtectSlice(Task se, long sliceNs) {
        se.vprot = Math.min(se.deadline, se.vruntime + sliceNs * 1024L / se.weight);
    }

    /** yield_task_fair: the deadline moves one slice later. */
    static void yieldTask(Task se) {
        se.deadline += se.slice * 1024L / se.weight;
    }
}
