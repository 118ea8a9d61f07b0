package org.schedlab.policy;

import org.schedlab.cost.CostModel;
import org.schedlab.engine.Rng;
import org.schedlab.topology.SchedDomains;
import org.schedlab.topology.Topology;

/**
 * The reads and actions a policy has. Reads are free. Every action names the CPU that performs it and is
 * charged to that CPU through the {@link CostModel} under a kind ("periodic", "newidle", "nohz", "push", ...)
 * that appears in the run's balance_overhead_ns.
 */
public interface SchedContext {
    // ------------------------------------------------------------------ time and machine
    long now();
    long jiffies();
    long tickNs();
    Topology topology();
    SchedDomains domains();
    int nrCpus();
    CostModel costs();
    /** A named random stream of this run. */
    Rng rng(String name);
    /** Value of a key=value option the user gave the policy, or {@code def}. */
    String option(String key, String def);

    // ------------------------------------------------------------------ runqueue reads
    /** Fair tasks on the runqueue, the running one included ({@code nr_running}). */
    int nrRunning(int cpu);
    TaskView curr(int cpu);
    /** idle_cpu(): nothing running, nothing queued, no wakeup on its way. */
    boolean idleCpu(int cpu);
    /** A remote wakeup is on its way to {@code cpu}'s wakelist ({@code rq->ttwu_pending}). */
    boolean ttwuPending(int cpu);
    boolean tickStopped(int cpu);
    /** Tasks on the runqueue in cfs_tasks order, index 0 = tail (least recently run). Includes the running one. */
    int rqTaskCount(int cpu);
    TaskView rqTask(int cpu, int indexFromTail);
    /** EEVDF eligibility of a queued task on its runqueue (lag ≥ 0). */
    boolean eligible(TaskView p);
    double cpuLoad(int cpu);
    /** cpu_util_cfs: util_avg capped at capacity. */
    double cpuUtil(int cpu);
    double cpuRunnable(int cpu);
    int capacityOf(int cpu);
    /** EWMA of this CPU's idle periods ({@code rq->avg_idle}). */
    long avgIdle(int cpu);
    /** Time the CPU last went idle, or -1 if it is not idle. */
    long idleSince(int cpu);
    /** Kernel time charged to {@code cpu} so far (all kinds); the difference around a pass is its cost. */
    long chargedNs(int cpu);
    /** {@code rq->max_idle_balance_cost}: caps avg_idle at twice this. */
    long maxIdleBalanceCost(int cpu);
    void setMaxIdleBalanceCost(int cpu, long ns);
    /** Tasks the policy holds (deferred), for statistics. */
    int heldTasks();

    // ------------------------------------------------------------------ actions
    /**
     * Moves a queued (not running) task to {@code dst}: locks, detach and attach charged to {@code actingCpu}.
     * Returns false, moving nothing, if the task is running, not queued, or not allowed on {@code dst}.
     */
    boolean migrate(TaskView p, int dst, int actingCpu, String kind);

    /**
     * Active balance: the stopper on {@code src} preempts its running task and moves one movable task
     * (least recently run first) to {@code dst}. Arrives after an IPI; charged to {@code actingCpu} (send) and
     * {@code src} (stopper).
     */
    void stopperMove(int src, int dst, int actingCpu, String kind);

    /** Sends an IPI from {@code fromCpu}; {@link SchedPolicy#ipi} runs on {@code target} when it arrives. */
    void sendIpi(int fromCpu, int target, int code, long arg, String kind);

    /** Runs {@link SchedPolicy#ipi} on {@code cpu} after {@code delayNs} without any cost (a timer). */
    void callLater(int cpu, long delayNs, int code, long arg);

    /** Charges {@code ns} of kernel time to {@code cpu} under {@code kind}. */
    void charge(int cpu, long ns, String kind);

    /** Reads the runqueue statistics of {@code target} from {@code actingCpu} (one stat gather). */
    void chargeScan(int actingCpu, int target, String kind);

    /** Reads the runqueue statistics of every CPU in {@code targets} from {@code actingCpu}. */
    void chargeScans(int actingCpu, org.schedlab.topology.CpuSet targets, String kind);

    /** Takes {@code target}'s runqueue lock from {@code actingCpu}. */
    void chargeRemoteLock(int actingCpu, int target, String kind);

    /**
     * Writes a cache line shared by many CPUs (a mask word, a counter): cost grows with the number of CPUs that
     * wrote it recently. {@code line} identifies the line (any stable string per object).
     */
    void chargeSharedLine(int actingCpu, String line, String kind);

    /** Places a task this policy held (after returning DEFER) on {@code cpu}'s runqueue. */
    void dispatch(TaskView p, int cpu);

    /** Asks {@code cpu} to reschedule (it runs its pick again). */
    void resched(int cpu);

    /** Records a named counter in the run's statistics. */
    void count(String name, long delta);
}
