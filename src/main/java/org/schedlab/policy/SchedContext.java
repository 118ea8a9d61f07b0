package org.schedlab.policy;

import org.schedlab.cost.CostModel;
import org.schedlab.engine.Rng;
import org.schedlab.topology.SchedDomains;
import org.schedlab.topology.Topology;

/**
 * The reads and actions a policy has. Every action names the CPU that performs it and is charged to that CPU
 * through the {@link CostModel} under a kind ("periodic", "newidle", "nohz", "push", ...) that appears in the
 * run's balance_overhead_ns. Runqueue statistics and task lists are read only through an {@link RqReader},
 * which charges the reading CPU itself; the single-word state below ({@code nr_running}, {@code idle_cpu}, ...)
 * is what the kernel reads locklessly inside a larger operation, whose charge covers it.
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
    /** The value of an option this policy declared in {@link SchedPolicy#options}: the user's, or its default. */
    String option(PolicyOption option);

    // ------------------------------------------------------------------ runqueue reads
    /** A pass of {@code actingCpu} reading runqueues, charged under {@code kind}. */
    RqReader reader(int actingCpu, String kind);

    /**
     * Reads whose cost is already in a fixed kernel charge: valid only inside {@link SchedPolicy#selectTaskRq},
     * where the wakeup's or fork's own cost covers select_task_rq's reads.
     */
    RqReader selectReader();

    /** Fair tasks on the runqueue, the running one included ({@code nr_running}). */
    int nrRunning(int cpu);
    TaskView curr(int cpu);
    /** idle_cpu(): nothing running, nothing queued, no wakeup on its way. */
    boolean idleCpu(int cpu);
    /** {@link #idleCpu} of CPUs 64·word to 64·word + 63, as the bits of one word (CPU 64·word is bit 0). */
    long idleCpusWord(int word);
    /** A remote wakeup is on its way to {@code cpu}'s wakelist ({@code rq->ttwu_pending}). */
    boolean ttwuPending(int cpu);
    boolean tickStopped(int cpu);
    /** EEVDF eligibility of a queued task on its runqueue (lag ≥ 0). */
    boolean eligible(TaskView p);
    int capacityOf(int cpu);
    /** {@code rq->misfit_task_load}: the current task's load if it does not fit this CPU's capacity, else 0. */
    long misfitTaskLoad(int cpu);
    /**
     * sched_balance_update_blocked_averages: brings {@code cpu}'s runqueue averages up to now, decaying the load its
     * sleeping tasks left (what the balancing softirq, newidle balance and nohz stats updates do before reading),
     * and stamps {@code rq->last_blocked_load_update_tick}. Returns {@code rq->has_blocked_load} afterwards.
     */
    boolean updateBlockedAverages(int cpu);
    /** {@code rq->has_blocked_load}. */
    boolean hasBlockedLoad(int cpu);
    /** Sets {@code rq->has_blocked_load} (nohz_balance_enter_idle). */
    void setHasBlockedLoad(int cpu);
    /** {@code rq->last_blocked_load_update_tick}, in jiffies. */
    long lastBlockedLoadUpdateTick(int cpu);
    /** EWMA of this CPU's idle periods ({@code rq->avg_idle}). */
    long avgIdle(int cpu);
    /** Time the CPU last went idle, or -1 if it is not idle. */
    long idleSince(int cpu);
    /** Kernel time charged to {@code cpu} so far (all kinds); the difference around a pass is its cost. */
    long chargedNs(int cpu);
    /** When {@code cpu} is through the kernel work charged to it so far (now if none): where work charged next starts. */
    long busyUntil(int cpu);
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

    /** A new IPI vector of this policy; {@code handler} runs on the target CPU when one arrives. Call from init. */
    IpiVector registerIpi(String name, IpiHandler handler);

    /** Sends an IPI from {@code fromCpu}; the vector's handler runs on {@code target} when it arrives. */
    void sendIpi(int fromCpu, int target, IpiVector vector, long arg, String kind);

    /** Runs the vector's handler on {@code cpu} after {@code delayNs} without any cost (a timer). */
    void callLater(int cpu, long delayNs, IpiVector vector, long arg);

    /** Charges {@code ns} of kernel time to {@code cpu} under {@code kind}. */
    void charge(int cpu, long ns, String kind);

    /**
     * Reads data of the policy's own that lives in {@code target}'s cache lines (a mask word, a list head kept per
     * CPU or per LLC): one line transfer from {@code actingCpu}, or a cache hit if unchanged since its last read.
     */
    void chargeScan(int actingCpu, int target, String kind);

    /** {@link #chargeScan}s of a loop over many CPUs, charged together when it ends ({@link ScanRun}). */
    ScanRun scanRun(int actingCpu, String kind);

    /** Takes {@code target}'s runqueue lock from {@code actingCpu} outside a reader pass. */
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
