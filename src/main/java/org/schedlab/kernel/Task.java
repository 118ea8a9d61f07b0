package org.schedlab.kernel;

import org.schedlab.engine.Rng;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;

/** A simulated thread: its program state, fair-class entity, PELT signals and statistics. */
public final class Task implements TaskView {
    enum State { NEW, RUNNABLE, RUNNING, BLOCKED, WAKING, HELD, EXITED }

    final int pid;
    final String comm;
    final TaskTemplate template;
    final int templateIndex;
    /** The template's memory-bound share, kept here because every switch reads it. */
    final double memoryBound;
    final Op[] program;
    final Rng rng;
    final Task parent;
    /** The address space it runs in: its pid for a process of its own ({@link TaskTemplate#ownAddressSpace}), else -1. */
    final int mm;
    State state = State.NEW;
    int cpu = -1;

    // program state
    int pc;
    final int[] loopLeft;
    double remainingWork;      // of the current Run, in ref-ns
    boolean inRun;             // executing a Run or RunWall op
    long runWallEnd = -1;      // for RunWall
    long[] timerNext;
    boolean resumeLatch;
    int childrenExited, childrenAwaited;
    long[] markStart;
    boolean isJob;
    /** do_exit's work is under way on its CPU: the task leaves once that work is done. */
    boolean exiting;

    // attributes
    int nice;
    int weight;
    CpuSet allowed;            // null = all CPUs
    /** max_allowed_capacity, computed on first use after the affinity changes (-1: not yet). */
    int maxAllowedCapacity = -1;
    int nrCpusAllowed;
    final long workingSet;
    /** NUMA node holding the memory of a memory-bound task: where it first ran (first touch); -1 before. */
    int memNode = -1;

    // EEVDF entity
    long vruntime, deadline, vprot, slice;
    long vlag;
    boolean onRq;
    /** The runqueue tree holding it ({@link EevdfTree}), null while running or off every runqueue. */
    EevdfTree eevdfTree;
    Task eLeft, eRight, eMin;
    int eHeight;
    /** When it entered the tree, in the tree's insertion order. */
    long eSeq;
    /** Its runqueue's cfs_tasks ({@link CfsTasks}) and neighbours there. */
    CfsTasks cfsList;
    Task cfsPrev, cfsNext;
    /** Neighbours among the live tasks of its template ({@link TemplateTasks}). */
    Task livePrev, liveNext;
    /** Asleep but still queued (DELAY_DEQUEUE). */
    boolean delayed;

    // PELT
    final Pelt pelt;

    // statistics and bookkeeping
    long execStart;            // last switch-in
    long lastStopped;          // last switch-out
    long prevSumExecRuntime;  // sum_exec_runtime when last picked (CFS tick preemption)
    /** CFS: vruntime relative to the min_vruntime of the runqueue a migrating task left. */
    long cfsRelVruntime;
    boolean cfsRelative;
    long sumExecRuntime;       // ns on CPU
    long runnableSince = -1;
    /** Time wanting a CPU (queued, running or held by the policy) in the measured window, and since when now. */
    long competingNs, competingFrom = -1;
    long wakingSince = -1;
    long createdAt;
    long lastSyncTime;         // progress accounting while running
    long pendingRefillNs;      // cache refill work owed after a migration
    int lastRanCpu = -1;
    int wakeeFlips;
    long wakeeFlipDecayTs;
    Task lastWakee;
    int recentUsedCpu = -1;
    Object policyData;
    long genTimer;
    /** Children created so far by the Fork op at pc. */
    int forked;
    /** util_est: the EWMA of the utilisation at each sleep; {@link #utilEstEnqueued} is what the runqueue holds. */
    double utilEstEwma, utilEstEnqueued;
    /** Expiry of the armed sleep timer, -1 when none; it fires on {@link #timerCpu}. */
    long timerExpiry = -1;
    int timerCpu;
    int blockedOn;
    /** The locked buffer whose mutex the next Run holds ({@link org.schedlab.workload.Op.BufferLock}), or -1. */
    int lockedBuffer = -1;
    /** The locked buffer whose mutex this task spins for (its Run then ends when its turn comes), or -1. */
    int spinBuffer = -1;
    /** When its turn on {@link #spinBuffer}'s mutex comes, and since when it spins. */
    long spinStart, spinSince;
    /** The work of the operation under the mutex, drawn before the spin (kept if the spin is given up). */
    double sectionWork;
    boolean sectionDrawn;
    /** The transfer of the buffer's lines when the mutex is taken. */
    long sectionLinesNs;
    int condMutex = -1;
    /** The next waiter on the channel this task waits on ({@link SyncObjects}). */
    Task chanNext;
    int attachedCpu = -1;
    Machine m;
    long relDeadline = Long.MIN_VALUE;   // deadline − vruntime carried across a migration

    Task(int pid, String comm, TaskTemplate template, int templateIndex, Rng rng, Task parent, int nrCpus, long now, int timers, int marks) {
        this.pid = pid;
        this.comm = comm;
        this.template = template;
        this.templateIndex = templateIndex;
        this.memoryBound = template.memoryBound;
        this.program = template.program;
        this.rng = rng;
        this.parent = parent;
        this.mm = template.ownAddressSpace ? pid : -1;
        this.loopLeft = new int[program.length];
        this.nice = template.nice;
        this.weight = Weights.ofNice(template.nice);
        this.allowed = template.allowed;
        this.nrCpusAllowed = allowed == null ? nrCpus : allowed.cardinality();
        this.workingSet = template.workingSetBytes;
        this.pelt = new Pelt(now);
        this.pelt.load = weight;
        this.createdAt = now;
        this.timerNext = timers > 0 ? new long[timers] : null;
        if (timerNext != null) java.util.Arrays.fill(timerNext, Long.MIN_VALUE);
        this.markStart = marks > 0 ? new long[marks] : null;
        if (markStart != null) java.util.Arrays.fill(markStart, -1);
        this.wakeeFlipDecayTs = now;
    }

    // ------------------------------------------------------------------ TaskView
    @Override public int pid() { return pid; }
    @Override public String comm() { return comm; }
    @Override public int cpu() { return cpu; }
    @Override public int nice() { return nice; }
    @Override public int weight() { return weight; }
    @Override public boolean canRunOn(int c) { return allowed == null || allowed.get(c); }
    @Override public CpuSet allowedCpus() { return allowed; }
    @Override public int nrCpusAllowed() { return nrCpusAllowed; }
    @Override public boolean isRunning() { return state == State.RUNNING; }
    @Override public boolean isQueued() { return state == State.RUNNABLE; }
    @Override public double utilAvg() { m.load.syncTaskPelt(this); return pelt.util; }
    @Override public double utilEst() { return Math.max(utilAvg(), utilEstEwma); }
    @Override public double loadAvg() { m.load.syncTaskPelt(this); return pelt.load; }
    @Override public double runnableAvg() { m.load.syncTaskPelt(this); return pelt.runnable; }
    @Override public long lastRanNs() { return state == State.RUNNING ? m.now : lastStopped; }
    @Override public long workingSetBytes() { return workingSet; }
    @Override public int wakeeFlips() { return wakeeFlips; }
    @Override public int recentUsedCpu() { return recentUsedCpu; }
    @Override public void setRecentUsedCpu(int c) { recentUsedCpu = c; }
    @Override public Object policyData() { return policyData; }
    @Override public void setPolicyData(Object o) { policyData = o; }

    /** The task starts wanting a CPU (enqueued, or held by the policy). */
    void startCompeting(long now) { if (competingFrom < 0) competingFrom = now; }

    /** The task stops wanting a CPU (it sleeps or exits). */
    void stopCompeting(long now) {
        if (competingFrom < 0) return;
        competingNs += now - competingFrom;
        competingFrom = -1;
    }

    /** Time it wanted a CPU in the measured window, up to {@code now}. */
    long competingNs(long now) { return competingNs + (competingFrom >= 0 ? now - competingFrom : 0); }

    boolean runnableState() { return state == State.RUNNABLE || state == State.RUNNING; }

    void setNice(int n) {
        nice = n;
        weight = Weights.ofNice(n);
    }

    @Override public String toString() { return comm + "-" + pid; }
}
