package org.schedlab.kernel;

import java.util.ArrayList;

/**
 * One CPU and its fair runqueue: the EEVDF entity set (running task included, as the kernel's avg_vruntime
 * does, with its arithmetic in {@link Eevdf}), the cfs_tasks MRU list, PELT aggregates, idle/nohz state and
 * time accounting.
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

    void moveToHead(Task t) {
        int i = tasks.lastIndexOf(t);
        if (i == tasks.size() - 1) return;
        tasks.remove(i);
        tasks.add(t);
    }

    boolean isIdle() { return curr == null && nrRunning == 0 && ttwuPending == 0; }
}
