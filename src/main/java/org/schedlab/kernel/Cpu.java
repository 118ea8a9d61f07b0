package org.schedlab.kernel;

import java.util.ArrayList;

/**
 * One CPU and its fair runqueue: the EEVDF entity set (running task included, as the kernel's avg_vruntime
 * does), the cfs_tasks MRU list, PELT aggregates, idle/nohz state and time accounting.
 * DELAY_DEQUEUE is optional (off by default): an ineligible sleeper then stays queued until picked or woken.
 */
final class Cpu {
    final int id;
    final int capacity;

    // runqueue
    Task curr;
    /** cfs_tasks: index 0 = tail (least recently run), last = head. Includes curr. */
    final ArrayList<Task> tasks = new ArrayList<>();
    int nrRunning;
    int nrDelayed;             // sleepers still queued (DELAY_DEQUEUE), included in nrRunning
    long loadWeight;           // Σ weights of entities on the queue
    long avgVruntimeSum;       // Σ w·(v − zeroV)
    long zeroV;
    final Pelt pelt;
    boolean needResched;
    boolean sliceExpired;
    int ttwuPending;

    // idle and nohz
    boolean tickStopped;
    boolean tickArmed;
    long idleSince;            // -1 when busy
    long avgIdle;
    long maxIdleBalanceCost;
    boolean newidle;
    boolean runArmed;
    long genTick;
    long genRun;

    // time accounting
    long kernelStart, kernelUntil;
    long busyNs, idleNs, overheadNs;
    long chargedNs;
    long lastAccount;
    long genStep;              // invalidates step / completion events of this CPU
    double rate = 1.0;         // progress per ns for the running task

    Cpu(int id, int capacity, long now, long migrationCostNs) {
        this.id = id;
        this.capacity = capacity;
        this.pelt = new Pelt(now);
        this.idleSince = now;
        this.avgIdle = 2 * migrationCostNs;
        this.maxIdleBalanceCost = migrationCostNs;
        this.lastAccount = now;
        this.rate = capacity / 1024.0;
    }

    // ------------------------------------------------------------------ EEVDF
    long avgVruntime() {
        if (loadWeight == 0) return zeroV;
        long avg = avgVruntimeSum;
        // round towards −∞ like the kernel so the average is never ahead of the true mean
        if (avg < 0) avg -= loadWeight - 1;
        return zeroV + avg / loadWeight;
    }

    boolean eligible(Task se) {
        return (se.vruntime - zeroV) * loadWeight <= avgVruntimeSum || loadWeight == 0;
    }

    void addEntity(Task se) {
        if (loadWeight == 0) {
            avgVruntimeSum = 0;
            zeroV = se.vruntime;
        }
        avgVruntimeSum += (long) se.weight * (se.vruntime - zeroV);
        loadWeight += se.weight;
    }

    void removeEntity(Task se) {
        avgVruntimeSum -= (long) se.weight * (se.vruntime - zeroV);
        loadWeight -= se.weight;
        if (loadWeight == 0) avgVruntimeSum = 0;
    }

    /** Charges {@code deltaExec} ns to the running entity. Returns true if its deadline was renewed. */
    boolean advanceVruntime(Task se, long deltaExec, long sliceNs) {
        if (deltaExec <= 0) return false;
        long dv = deltaExec * 1024L / se.weight;
        if (se.onRq) avgVruntimeSum += (long) se.weight * dv;
        se.vruntime += dv;
        if (se.vruntime >= se.deadline) {
            se.slice = sliceNs;
            se.deadline = se.vruntime + sliceNs * 1024L / se.weight;
            return true;
        }
        return false;
    }

    /** pick_eevdf: the eligible entity with the earliest virtual deadline; curr kept while protected. */
    Task pickEevdf(boolean honourProtection) {
        int n = tasks.size();
        if (n == 0) return null;
        if (n == 1) return tasks.get(0);
        Task c = curr != null && curr.onRq ? curr : null;
        if (c != null && honourProtection && c.vruntime < c.vprot && eligible(c)) return c;
        Task best = null;
        Task leftmost = null;
        for (int i = 0; i < n; i++) {
            Task t = tasks.get(i);
            if (leftmost == null || t.vruntime < leftmost.vruntime) leftmost = t;
            if (t == c || !eligible(t)) continue;
            if (best == null || t.deadline < best.deadline) best = t;
        }
        // the running entity wins only with a strictly earlier deadline (entity_before)
        if (c != null && eligible(c) && (best == null || c.deadline < best.deadline)) best = c;
        return best != null ? best : leftmost;
    }

    void moveToHead(Task t) {
        int i = tasks.lastIndexOf(t);
        if (i == tasks.size() - 1) return;
        tasks.remove(i);
        tasks.add(t);
    }

    boolean isIdle() { return curr == null && nrRunning == 0 && ttwuPending == 0; }
}
