package org.schedlab.kernel;

import org.schedlab.cost.CostModel;
import org.schedlab.cost.SharedLines;
import org.schedlab.engine.EventQueue;
import org.schedlab.engine.Rng;
import org.schedlab.metrics.CpuTimeline;
import org.schedlab.metrics.Recorder;
import org.schedlab.metrics.ScheduleSink;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomains;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The simulated machine: per-CPU runqueues under the fair class driven by one event queue. This class owns
 * the clock, the event loop and the state every part shares (CPUs, tasks, machine-wide counts); the parts
 * follow the kernel's own seams: {@link Core} (enqueue/dequeue, __schedule), {@link Wakeup}
 * (try_to_wake_up), {@link TickIdle} (sched_tick, nohz), {@link CpuTime} (update_curr's clock and the
 * SMT/memory rate model), {@link LoadTracking} (PELT), {@link Eevdf}, {@link ForkExit}, the program
 * {@link Interpreter} with its {@link SyncObjects}, and {@link Context}, the policy's view of the machine.
 * Where tasks go is decided by the {@link SchedPolicy}. Same inputs and seed give the same run, event for event.
 */
public final class Machine {
    // event types
    static final int EV_STEP = 1, EV_RUN_DONE = 2, EV_TICK = 3, EV_TIMER = 4, EV_WAKE_ARRIVE = 5,
            EV_RESCHED = 6, EV_IPI = 7, EV_ARRIVAL = 8, EV_STOPPER = 9, EV_END = 10, EV_WARMUP = 11, EV_START = 12, EV_ATTACH = 13,
            EV_IDLE_EXIT = 14, EV_MUTEX_WAKE = 15, EV_BOOST = 16;

    final Topology topo;
    final SchedDomains sds;
    final CostModel costs;
    final SharedLines lines;
    final SchedPolicy policy;
    final Map<String, String> policyOptions;
    final WorkloadSpec wl;
    final MachineConfig cfg;
    final Recorder rec = new Recorder();
    ScheduleSink sink;

    final EventQueue q = new EventQueue();
    /** Who holds copies of which runqueue's statistics lines (written by enqueue, dequeue, the switch, the tick). */
    final RqLines rqLines;
    final Cpu[] cpus;
    final int nrCpus;
    final long tickNs;
    final long sliceNs;
    /** The CFS rules with {@code --fair cfs}, else null (EEVDF). */
    final Cfs cfs;
    final Rng taskRng;
    final Rng arrivalRng;
    final Rng jitterRng;
    long now;
    long endTime;
    boolean stopped;
    /** The run ended because every task exited (a workload that ends so), not at its duration. */
    boolean allExited;
    long events;

    // tasks
    final ArrayList<Task> tasks = new ArrayList<>();     // by pid-1; exited tasks are nulled
    final List<TemplateTasks> liveByTemplate = new ArrayList<>();
    final boolean[] templateResumeLatch;
    final int[][] loopEnd;
    int liveTasks;
    /** Live tasks of {@link org.schedlab.workload.TaskTemplate#background} templates (counted in liveTasks too). */
    int liveBackground;
    int heldTasks;
    int nextPid = 1;

    /**
     * idle_cpu() of every CPU as bits ({@link Cpu#isIdle}), brought up to date ({@link #idleChanged}) wherever a CPU's
     * curr, nr_running or ttwu_pending changes.
     */
    final long[] idleMask;

    /** CPU {@code cpu}'s curr, nr_running or ttwu_pending changed. */
    void idleChanged(Cpu cpu) {
        long bit = 1L << cpu.id;
        if (cpu.isIdle()) idleMask[cpu.id >>> 6] |= bit;
        else idleMask[cpu.id >>> 6] &= ~bit;
    }

    // machine-wide counts for idle-while-overloaded
    int nrBusyCpus;
    long totalQueued;
    boolean measuring;

    // conservation
    double workDemanded, workExecuted, refillDemanded;
    final List<Long> exitedExec = new ArrayList<>();
    /** Time the exited tasks wanted a CPU in the measured window, in the order of {@link #exitedExec}. */
    final List<Long> exitedCompeting = new ArrayList<>();

    // the parts
    final CpuTime time;
    final LoadTracking load;
    final GroupSums groups;
    /** The workload's task group's load tracking; null in the root group. */
    final TaskGroupLoad tg;
    final Core core;
    final Wakeup wakeup;
    final TickIdle tick;
    final ForkExit forkExit;
    final Interpreter interp;
    final SyncObjects sync;
    final Context ctx;
    final RunCounters counters;

    public Machine(Topology topo, SchedPolicy policy, Map<String, String> policyOptions, WorkloadSpec wl, MachineConfig cfg) {
        this.topo = topo;
        this.sds = SchedDomains.build(topo);
        this.costs = cfg.costs;
        this.lines = new SharedLines(costs, topo);
        this.policy = policy;
        this.policyOptions = policyOptions == null ? Map.of() : policyOptions;
        this.wl = wl;
        this.cfg = cfg;
        this.nrCpus = topo.nrCpus();
        this.tickNs = cfg.tickNs();
        this.sliceNs = cfg.baseSliceNs(nrCpus);
        this.cfs = cfg.cfs ? new Cfs(nrCpus) : null;
        this.cpus = new Cpu[nrCpus];
        for (int c = 0; c < nrCpus; c++) cpus[c] = new Cpu(c, topo.kernelCapacityOf(c), topo.capacityOf(c), 0, cfg.migrationCostNs);
        this.idleMask = new long[(nrCpus + 63) >>> 6];
        for (Cpu cpu : cpus) idleChanged(cpu);
        this.rqLines = new RqLines(nrCpus, costs, topo);
        this.taskRng = Rng.stream(cfg.seed, "tasks");
        this.arrivalRng = Rng.stream(cfg.seed, "arrivals");
        this.jitterRng = Rng.stream(cfg.seed, "work-jitter");

        int nt = wl.templates.size();
        templateResumeLatch = new boolean[nt];
        loopEnd = new int[nt][];
        for (int i = 0; i < nt; i++) {
            liveByTemplate.add(new TemplateTasks());
            Op[] prog = wl.templates.get(i).program;
            loopEnd[i] = new int[prog.length];
            for (int pc = 0; pc < prog.length; pc++)
                if (prog[pc] instanceof Op.LoopEnd) loopEnd[i][((Op.LoopEnd) prog[pc]).begin] = pc;
            for (Op op : prog) checkOpRange(op, wl, i);
            TaskTemplate tt = wl.templates.get(i);
            if (tt.launchCpu < 0 || tt.launchCpu >= nrCpus)
                throw new WorkloadException(wl.name + ": task " + tt.comm + " is started from CPU " + tt.launchCpu
                        + ", which does not exist on this " + nrCpus + "-CPU machine");
            if (tt.allowed != null) {
                CpuSet fit = new CpuSet(nrCpus);
                for (int c = tt.allowed.first(); c >= 0 && c < nrCpus; c = tt.allowed.nextSetBit(c + 1)) fit.set(c);
                if (fit.isEmpty())
                    throw new WorkloadException(wl.name + ": task " + tt.comm + " is pinned to CPUs " + tt.allowed
                            + ", none of which exists on this " + nrCpus + "-CPU machine");
                tt.allowed = fit.cardinality() == nrCpus ? null : fit;
            }
        }
        rec.marks(wl.marks.size());
        if (cfg.timelineBuckets > 0)
            // buckets start fine and widen as the run grows, so early-ending runs keep their resolution
            rec.timeline = new CpuTimeline(nrCpus, cfg.timelineBuckets, 0,
                    Math.max(1, Math.min(10_000L, cfg.durationNs / cfg.timelineBuckets)));
        for (Cpu c : cpus) {
            c.tickStopped = true;
            c.runSlot = q.newSlot();
            c.tickSlot = q.newSlot();
            c.idleExitSlot = q.newSlot();
        }
        time = new CpuTime(this);
        load = new LoadTracking(this);
        groups = new GroupSums(this);
        tg = cfg.autogroup ? new TaskGroupLoad(this, cfg.tgLoadRatelimit) : null;
        core = new Core(this);
        wakeup = new Wakeup(this);
        tick = new TickIdle(this);
        forkExit = new ForkExit(this);
        sync = new SyncObjects(this);
        interp = new Interpreter(this);
        ctx = new Context(this);
        counters = new RunCounters(this);
    }

    private static void checkOpRange(Op op, WorkloadSpec wl, int t) {
        String who = wl.templates.get(t).comm;
        if (op instanceof Op.Wait && ((Op.Wait) op).channel >= wl.channels
                || op instanceof Op.Signal && ((Op.Signal) op).channel >= wl.channels)
            throw new IllegalArgumentException(who + ": channel outside the workload's " + wl.channels);
        if (op instanceof Op.Lock && ((Op.Lock) op).mutex >= wl.mutexes
                || op instanceof Op.Unlock && ((Op.Unlock) op).mutex >= wl.mutexes)
            throw new IllegalArgumentException(who + ": mutex outside the workload's " + wl.mutexes);
        if (op instanceof Op.Barrier && ((Op.Barrier) op).barrier >= wl.barrierParties.length)
            throw new IllegalArgumentException(who + ": barrier outside the workload's " + wl.barrierParties.length);
        if (op instanceof Op.Fork && ((Op.Fork) op).template >= wl.templates.size()
                || op instanceof Op.Resume && ((Op.Resume) op).target >= wl.templates.size())
            throw new IllegalArgumentException(who + ": template outside the workload");
        if (op instanceof Op.BufferReserve && ((Op.BufferReserve) op).buffer >= wl.bufferCapacity.length
                || op instanceof Op.BufferRelease && ((Op.BufferRelease) op).buffer >= wl.bufferCapacity.length)
            throw new IllegalArgumentException(who + ": buffer outside the workload's " + wl.bufferCapacity.length);
        if (op instanceof Op.Mark && ((Op.Mark) op).metric >= wl.marks.size())
            throw new IllegalArgumentException(who + ": mark outside the workload");
    }

    public void setScheduleSink(ScheduleSink s) { this.sink = s; }

    /** Runs the workload until the configured duration (or until every task exited, if the workload says so). */
    public RunOutcome run() {
        long wallStart = System.nanoTime();
        policy.init(ctx);
        endTime = cfg.durationNs;
        q.schedule(endTime, EV_END, 0, 0);
        if (cfg.warmupNs > 0 && cfg.warmupNs < endTime) q.schedule(cfg.warmupNs, EV_WARMUP, 0, 0);
        measuring = cfg.warmupNs <= 0;
        for (int i = 0; i < wl.templates.size(); i++) {
            TaskTemplate t = wl.templates.get(i);
            if (t.instances > 0) q.schedule(t.startDelayNs, EV_START, i, 0);
        }
        if (wl.arrivals != null) q.schedule(wl.arrivals.interarrival.sample(arrivalRng), EV_ARRIVAL, 0, 0);
        if (time.boosts()) for (int p = 0; p < topo.nrPackages(); p++) q.schedule(cfg.costs.boostIntervalNs, EV_BOOST, p, 0);
        if (sink != null) for (int c = 0; c < nrCpus; c++) sink.switchTo(0, c, 0, "swapper");

        while (!stopped && !q.isEmpty()) {
            q.pop();
            long t = q.time();
            counters.integrate(t);
            now = t;
            events++;
            counters.event(q.type(), events);
            dispatch(q.type(), q.a(), q.b());
            if (cfg.checkInvariants) Invariants.check(this);
        }
        if (!stopped) endTime = now;
        rec.tasksLiveAtEnd = liveTasks;
        counters.publish();
        for (int c = 0; c < nrCpus; c++) time.account(c);
        counters.integrate(endTime);
        long wall = System.nanoTime() - wallStart;
        return new RunOutcome(this, endTime, events, wall / 1_000_000L);
    }

    private void dispatch(int type, int a, long b) {
        switch (type) {
            case EV_STEP: interp.onStep(a, b); break;
            case EV_RUN_DONE: interp.onRunDone(a, b); break;
            case EV_TICK: tick.onTick(a, b); break;
            case EV_TIMER: wakeup.onTimer(a, b); break;
            case EV_MUTEX_WAKE: wakeup.onMutexWake(a, b); break;
            case EV_WAKE_ARRIVE: wakeup.onWakeArrive(a, b); break;
            case EV_RESCHED: core.schedule(a); break;
            case EV_IPI: ctx.onIpi(a, b); break;
            case EV_ARRIVAL: forkExit.onArrival(); break;
            case EV_STOPPER: ctx.onStopper(a, (int) b); break;
            case EV_START: forkExit.onStart(a); break;
            case EV_ATTACH: ctx.onAttach(a, b); break;
            case EV_IDLE_EXIT: tick.onIdleExit(a); break;
            case EV_BOOST: time.onBoost(a); break;
            case EV_WARMUP: counters.startMeasuring(); break;
            case EV_END:
                stopped = true;
                endTime = now;
                break;
            default: throw new IllegalStateException("event type " + type);
        }
    }

    // =====================================================================================================
    // results
    // =====================================================================================================

    public Recorder recorder() { return rec; }
    public SchedDomains schedDomains() { return sds; }
    /** The policy's view of this machine (what a policy's {@code init} receives). */
    public org.schedlab.policy.SchedContext context() { return ctx; }

    long cpuBusyNs(int c) { return cpus[c].busyNs; }
    long cpuIdleNs(int c) { return cpus[c].idleNs; }
    long cpuOverheadNs(int c) { return cpus[c].overheadNs; }

    /** CPU time of every task measured (exited ones, then live ones). */
    long[] taskExecTimes() {
        List<Long> l = new ArrayList<>(exitedExec);
        for (Task t : tasks) if (t != null) l.add(t.sumExecRuntime);
        return toArray(l);
    }

    /** Time every task measured wanted a CPU up to {@code end}, in the order of {@link #taskExecTimes}. */
    long[] taskCompetingTimes(long end) {
        List<Long> l = new ArrayList<>(exitedCompeting);
        for (Task t : tasks) if (t != null) l.add(t.competingNs(end));
        return toArray(l);
    }

    private static long[] toArray(List<Long> l) {
        long[] a = new long[l.size()];
        for (int i = 0; i < a.length; i++) a[i] = l.get(i);
        return a;
    }

    /** Live tasks (for tests and invariants). */
    public List<TaskView> liveTasks() {
        List<TaskView> l = new ArrayList<>();
        for (Task t : tasks) if (t != null) l.add(t);
        return l;
    }

    double pendingWork() {
        double p = 0;
        for (Task t : tasks) if (t != null && t.remainingWork > 0 && !Double.isInfinite(t.remainingWork)) p += t.remainingWork;
        return p;
    }

    int liveTaskCount() { return liveTasks; }
}
