package org.schedlab.kernel;

import org.schedlab.cost.CostModel;
import org.schedlab.cost.SharedLines;
import org.schedlab.engine.EventQueue;
import org.schedlab.engine.Rng;
import org.schedlab.metrics.CpuTimeline;
import org.schedlab.metrics.Recorder;
import org.schedlab.metrics.ScheduleSink;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomains;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The simulated machine: per-CPU runqueues under the fair class, the tick, context switches, the wakeup
 * path, idle and nohz state, and the interpreter of task programs, driven by one event queue. Where tasks
 * go is decided by the {@link SchedPolicy}; the machine implements the policy's {@link SchedContext}.
 * Same inputs and seed give the same run, event for event.
 */
public final class Machine implements SchedContext {
    // event types
    private static final int EV_STEP = 1, EV_RUN_DONE = 2, EV_TICK = 3, EV_TIMER = 4, EV_WAKE_ARRIVE = 5,
            EV_RESCHED = 6, EV_IPI = 7, EV_ARRIVAL = 8, EV_STOPPER = 9, EV_END = 10, EV_WARMUP = 11, EV_START = 12, EV_ATTACH = 13;
    private static final int MAX_ZERO_TIME_OPS = 100_000;

    final Topology topo;
    final SchedDomains sds;
    final CostModel costs;
    final SharedLines lines;
    final SchedPolicy policy;
    final WorkloadSpec wl;
    final MachineConfig cfg;
    final Recorder rec = new Recorder();
    private ScheduleSink sink;

    private final EventQueue q = new EventQueue();
    final Cpu[] cpus;
    private final int nrCpus;
    private final long tickNs;
    private final long sliceNs;
    private final Map<String, Rng> rngs = new HashMap<>();
    private final Map<String, String> policyOptions;
    private final Rng taskRng;
    private final Rng arrivalRng;
    private final Rng jitterRng;
    private long now;
    private long endTime;
    private boolean stopped;
    private long events;
    private static final String[] KERNEL_KINDS = {"context_switch", "tick", "idle_exit", "wakeup", "ipi", "fork", "exec", "exit", "migrate_running"};
    private static final int KK_CONTEXT_SWITCH = 0;
    private static final int KK_TICK = 1;
    private static final int KK_IDLE_EXIT = 2;
    private static final int KK_WAKEUP = 3;
    private static final int KK_IPI = 4;
    private static final int KK_FORK = 5;
    private static final int KK_EXEC = 6;
    private static final int KK_EXIT = 7;
    private static final int KK_MIGRATE_RUNNING = 8;
    private final long[] kernelNs = new long[KERNEL_KINDS.length];
    private final long[] eventsByType = new long[16];
    private long wakeupsSameLlc, wakeupsCrossLlc;
    private long qSizeSum, qSizeN;
    private static final String[] EVENT_NAMES = {"", "step", "run_done", "tick", "timer", "wake_arrive", "resched",
            "ipi", "arrival", "stopper", "end", "warmup", "start", "attach", "", ""};

    // tasks
    private final ArrayList<Task> tasks = new ArrayList<>();     // by pid-1; exited tasks are nulled
    private final List<List<Task>> liveByTemplate = new ArrayList<>();
    private final boolean[] templateResumeLatch;
    private final int[][] loopEnd;
    private int liveTasks;
    private int heldTasks;
    private int nextPid = 1;

    // synchronisation objects
    private final int[] chanCount;
    private final ArrayDeque<Task>[] chanWaiters;
    private final Task[] mutexOwner;
    private final ArrayDeque<Task>[] mutexWaiters;
    private final ArrayDeque<Task>[] condWaiters;
    private final int[] barrierArrived;
    private final ArrayList<Task>[] barrierWaiters;
    private final long[] sharedTimerNext;

    // machine-wide counters for idle-while-overloaded
    private int nrBusyCpus;
    private long totalQueued;
    private long lastIntegrate;
    private boolean measuring;

    // conservation
    double workDemanded, workExecuted, refillDemanded;
    private final ArrayList<long[]> slots = new ArrayList<>();
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();

    @SuppressWarnings("unchecked")
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
        this.cpus = new Cpu[nrCpus];
        for (int c = 0; c < nrCpus; c++) cpus[c] = new Cpu(c, topo.capacityOf(c), 0, cfg.migrationCostNs);
        this.taskRng = Rng.stream(cfg.seed, "tasks");
        this.arrivalRng = Rng.stream(cfg.seed, "arrivals");
        this.jitterRng = Rng.stream(cfg.seed, "work-jitter");

        int nt = wl.templates.size();
        templateResumeLatch = new boolean[nt];
        loopEnd = new int[nt][];
        for (int i = 0; i < nt; i++) {
            liveByTemplate.add(new ArrayList<>());
            Op[] prog = wl.templates.get(i).program;
            loopEnd[i] = new int[prog.length];
            for (int pc = 0; pc < prog.length; pc++)
                if (prog[pc] instanceof Op.LoopEnd) loopEnd[i][((Op.LoopEnd) prog[pc]).begin] = pc;
            for (Op op : prog) checkOpRange(op, wl, i);
            TaskTemplate tt = wl.templates.get(i);
            if (tt.allowed != null) {
                CpuSet fit = new CpuSet(nrCpus);
                for (int c = tt.allowed.first(); c >= 0 && c < nrCpus; c = tt.allowed.nextSetBit(c + 1)) fit.set(c);
                if (fit.isEmpty())
                    throw new WorkloadException(wl.name + ": task " + tt.comm + " is pinned to CPUs " + tt.allowed
                            + ", none of which exists on this " + nrCpus + "-CPU machine");
                tt.allowed = fit.cardinality() == nrCpus ? null : fit;
            }
        }
        chanCount = new int[wl.channels];
        chanWaiters = new ArrayDeque[wl.channels];
        for (int i = 0; i < wl.channels; i++) chanWaiters[i] = new ArrayDeque<>();
        mutexOwner = new Task[wl.mutexes];
        mutexWaiters = new ArrayDeque[wl.mutexes];
        for (int i = 0; i < wl.mutexes; i++) mutexWaiters[i] = new ArrayDeque<>();
        condWaiters = new ArrayDeque[wl.conds];
        for (int i = 0; i < wl.conds; i++) condWaiters[i] = new ArrayDeque<>();
        barrierArrived = new int[wl.barrierParties.length];
        barrierWaiters = new ArrayList[wl.barrierParties.length];
        for (int i = 0; i < barrierWaiters.length; i++) barrierWaiters[i] = new ArrayList<>();
        sharedTimerNext = new long[wl.timers];
        Arrays.fill(sharedTimerNext, Long.MIN_VALUE);
        rec.marks(wl.marks.size());
        if (cfg.timelineBuckets > 0)
            // buckets start fine and widen as the run grows, so early-ending runs keep their resolution
            rec.timeline = new CpuTimeline(nrCpus, cfg.timelineBuckets, 0,
                    Math.max(1, Math.min(10_000L, cfg.durationNs / cfg.timelineBuckets)));
        for (Cpu c : cpus) c.tickStopped = true;
        siblings = new int[nrCpus][];
        for (int c = 0; c < nrCpus; c++) {
            CpuSet core = topo.coreSpan(topo.coreOf(c));
            int[] sib = new int[core.cardinality() - 1];
            int k = 0;
            for (int x = core.first(); x >= 0; x = core.nextSetBit(x + 1)) if (x != c) sib[k++] = x;
            siblings[c] = sib;
        }
        memOnLlc = new int[topo.nrLlcs()];
        memOnNode = new int[topo.nrNodes()];
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
        if (op instanceof Op.Mark && ((Op.Mark) op).metric >= wl.marks.size())
            throw new IllegalArgumentException(who + ": mark outside the workload");
    }

    public void setScheduleSink(ScheduleSink s) { this.sink = s; }

    // =====================================================================================================
    // the run
    // =====================================================================================================

    /** Runs the workload until the configured duration (or until every task exited, if the workload says so). */
    public RunOutcome run() {
        long wallStart = System.nanoTime();
        policy.init(this);
        endTime = cfg.durationNs;
        q.schedule(endTime, EV_END, 0, 0);
        if (cfg.warmupNs > 0 && cfg.warmupNs < endTime) q.schedule(cfg.warmupNs, EV_WARMUP, 0, 0);
        measuring = cfg.warmupNs <= 0;
        for (int i = 0; i < wl.templates.size(); i++) {
            TaskTemplate t = wl.templates.get(i);
            if (t.instances > 0) q.schedule(t.startDelayNs, EV_START, i, 0);
        }
        if (wl.arrivals != null) q.schedule(wl.arrivals.interarrival.sample(arrivalRng), EV_ARRIVAL, 0, 0);
        if (sink != null) for (int c = 0; c < nrCpus; c++) sink.switchTo(0, c, 0, "swapper");

        while (!stopped && !q.isEmpty()) {
            q.pop();
            long t = q.time();
            integrate(t);
            now = t;
            events++;
            eventsByType[q.type()]++;
            if ((events & 1023) == 0) { qSizeSum += q.size(); qSizeN++; }
            dispatch(q.type(), q.a(), q.b());
            if (cfg.checkInvariants) checkInvariants();
        }
        if (!stopped) endTime = now;
        if (qSizeN > 0) rec.count("event_queue.mean_size", qSizeSum / qSizeN);
        for (int i = 0; i < kernelNs.length; i++)
            if (kernelNs[i] > 0) rec.count("kernel_ns." + KERNEL_KINDS[i], kernelNs[i]);
        if (wakeupsSameLlc > 0) rec.count("wakeups.same_llc", wakeupsSameLlc);
        if (wakeupsCrossLlc > 0) rec.count("wakeups.cross_llc", wakeupsCrossLlc);
        for (int i = 1; i < eventsByType.length; i++)
            if (eventsByType[i] > 0) rec.count("events." + EVENT_NAMES[i], eventsByType[i]);
        for (int c = 0; c < nrCpus; c++) account(c);
        integrate(endTime);
        long wall = System.nanoTime() - wallStart;
        return new RunOutcome(this, endTime, events, wall / 1_000_000L);
    }

    private void integrate(long t) {
        if (!measuring) {
            lastIntegrate = t;
            return;
        }
        long dt = t - lastIntegrate;
        if (dt > 0) {
            rec.liveTaskNs += (double) liveTasks * dt;
            long idle = nrCpus - nrBusyCpus;
            long waiting = totalQueued - nrBusyCpus + heldTasks;
            if (idle > 0 && waiting > 0) {
                rec.idleWhileOverloadedNs += dt;
                rec.wastedCoreNs += Math.min(idle, waiting) * dt;
            }
        }
        lastIntegrate = t;
    }

    private void dispatch(int type, int a, long b) {
        switch (type) {
            case EV_STEP: onStep(a, b); break;
            case EV_RUN_DONE: onRunDone(a, b); break;
            case EV_TICK: onTick(a, b); break;
            case EV_TIMER: onTimer(a, b); break;
            case EV_WAKE_ARRIVE: onWakeArrive(a, b); break;
            case EV_RESCHED: schedule(a); break;
            case EV_IPI: onIpi(a, b); break;
            case EV_ARRIVAL: onArrival(); break;
            case EV_STOPPER: onStopper(a, (int) b); break;
            case EV_START: onStart(a); break;
            case EV_ATTACH: onAttach(a, b); break;
            case EV_WARMUP:
                for (int c = 0; c < nrCpus; c++) account(c);
                rec.reset(now);
                java.util.Arrays.fill(kernelNs, 0);
                measuring = true;
                lastIntegrate = now;
                for (Task t : tasks) if (t != null) t.sumExecRuntime = 0;
                break;
            case EV_END:
                stopped = true;
                endTime = now;
                break;
            default: throw new IllegalStateException("event type " + type);
        }
    }

    // =====================================================================================================
    // time accounting
    // =====================================================================================================

    /** Brings CPU time accounting and the running task's progress up to now. */
    void account(int c) {
        Cpu cpu = cpus[c];
        long from = cpu.lastAccount;
        if (now <= from) return;
        long overlap = Math.max(0, Math.min(now, cpu.kernelUntil) - Math.max(from, cpu.kernelStart));
        long interval = now - from;
        long work = interval - overlap;
        cpu.overheadNs += overlap;
        cpu.lastAccount = now;
        Task t = cpu.curr;
        if (t == null) {
            cpu.idleNs += work;
        } else {
            cpu.busyNs += work;
            if (work > 0) {
                if (rec.timeline != null) rec.timeline.busy(c, now - work, now);
                t.sumExecRuntime += work;
                if (t.remainingWork > 0) {
                    double done = Math.min(t.remainingWork, work * cpu.rate);
                    if (Double.isInfinite(t.remainingWork)) done = work * cpu.rate;
                    else t.remainingWork -= done;
                    workExecuted += done;
                }
                if (cpu.advanceVruntime(t, work, sliceNs)) cpu.sliceExpired = true;
            }
        }
    }

    /** Makes CPU c do {@code ns} of kernel work from now on: its running task makes no progress meanwhile. */
    private void occupy(int c, long ns) {
        account(c);
        Cpu cpu = cpus[c];
        if (cpu.kernelUntil > now) {
            cpu.kernelUntil += ns;
        } else {
            cpu.kernelStart = now;
            cpu.kernelUntil = now + ns;
        }
        cpu.chargedNs += ns;
    }

    /** Charges balancing work of a policy's kind to a CPU. */
    private void chargeBalance(int c, long ns, String kind) {
        if (ns <= 0) return;
        occupy(c, ns);
        rec.overhead(kind, ns);
        if (sink != null) sink.overhead(now, c, kind, ns);
    }

    /** Charges kernel work of a fixed kind (context switch, tick, ...), counted in an array. */
    private void chargeKernel(int c, long ns, int kernelKind) {
        if (ns <= 0) return;
        occupy(c, ns);
        kernelNs[kernelKind] += ns;
        if (sink != null) sink.overhead(now, c, "kernel_ns." + KERNEL_KINDS[kernelKind], ns);
    }

    private long busyUntil(int c) { return Math.max(now, cpus[c].kernelUntil); }

    private void updateRate(int c) {
        Cpu cpu = cpus[c];
        double r = cpu.capacity / 1024.0;
        Task cur = cpu.curr;
        if (cur != null && cur.template.memoryBound > 0) {
            double demand = cfg.memBwPerCore;
            double sLlc = memOnLlc[topo.llcOf(c)] * demand / cfg.memBwPerLlc;
            double sNode = memOnNode[topo.nodeOf(c)] * demand / cfg.memBwPerNode;
            double slow = Math.max(1.0, Math.max(sLlc, sNode));
            double m = cur.template.memoryBound;
            r /= (1 - m) + m * slow;
        }
        if (cfg.smtSpeed != 1.0) {
            for (int s : siblings[c])
                if (cpus[s].curr != null) { r *= cfg.smtSpeed; break; }
        }
        if (r == cpu.rate) return;
        account(c);
        boolean faster = r > cpu.rate;
        cpu.rate = r;
        // a slower rate only delays completion: the armed event re-arms itself when it fires
        if (faster && cpu.curr != null && cpu.runArmed) armCompletion(c);
    }

    private int[] memOnLlc, memOnNode;
    /** SMT siblings of each CPU, itself excluded. */
    private int[][] siblings;

    /** Keeps the counts of running memory-bound tasks and re-rates every task sharing that bandwidth. */
    private void memoryChanged(int c, Task oldCurr, Task newCurr) {
        boolean o = oldCurr != null && oldCurr.template.memoryBound > 0;
        boolean n = newCurr != null && newCurr.template.memoryBound > 0;
        if (o == n && !o) return;
        int llc = topo.llcOf(c), node = topo.nodeOf(c);
        if (o) { memOnLlc[llc]--; memOnNode[node]--; }
        if (n) { memOnLlc[llc]++; memOnNode[node]++; }
        if (o == n) return;
        CpuSet span = topo.nodeSpan(node);
        for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) {
            Task t = cpus[i].curr;
            if (i != c && t != null && t.template.memoryBound > 0) updateRate(i);
        }
    }

    private void siblingsChanged(int c) {
        if (cfg.smtSpeed == 1.0) {
            updateRate(c);
            return;
        }
        for (int s : siblings[c]) if (cpus[s].curr != null) updateRate(s);
        if (cpus[c].curr != null) updateRate(c);
    }

    // =====================================================================================================
    // PELT
    // =====================================================================================================

    private void peltRq(Cpu cpu) {
        cpu.pelt.update(now, cpu.curr != null, cpu.nrRunning - cpu.nrDelayed, cpu.loadWeight);
    }

    void syncTaskPelt(Task t) {
        boolean running = t.state == Task.State.RUNNING;
        boolean runnable = running || t.state == Task.State.RUNNABLE || t.state == Task.State.HELD;
        t.pelt.update(now, running, runnable ? 1 : 0, runnable ? t.weight : 0);
    }

    private void attachPelt(Task t, int c) {
        if (t.attachedCpu == c) return;
        syncTaskPelt(t);
        if (t.attachedCpu >= 0) {
            Cpu old = cpus[t.attachedCpu];
            peltRq(old);
            old.pelt.sub(t.pelt);
        }
        if (c >= 0) {
            peltRq(cpus[c]);
            cpus[c].pelt.add(t.pelt);
        }
        t.attachedCpu = c;
    }

    // =====================================================================================================
    // runqueue operations
    // =====================================================================================================

    /** enqueue_task_fair + activate: places the entity and adds it to the runqueue. */
    private void enqueue(Task t, int c, int flags) {
        Cpu cpu = cpus[c];
        syncTaskPelt(t);
        attachPelt(t, c);
        peltRq(cpu);
        placeEntity(cpu, t, flags);
        cpu.addEntity(t);
        t.onRq = true;
        cpu.tasks.add(t);
        cpu.nrRunning++;
        totalQueued++;
        t.cpu = c;
        t.state = Task.State.RUNNABLE;
        if (t.runnableSince < 0) t.runnableSince = now;
        if (sink != null) sink.nrRunning(now, c, cpu.nrRunning);
        policy.enqueue(c, t, flags);
    }

    /** dequeue_task_fair: removes the entity, saving its lag (sleep) or relative deadline (migration). */
    private void dequeue(Task t, int flags) {
        Cpu cpu = cpus[t.cpu];
        account(t.cpu);
        syncTaskPelt(t);
        peltRq(cpu);
        long v = cpu.avgVruntime();
        long limit = (Math.max(t.slice, sliceNs) + tickNs) * 1024L / t.weight;
        t.vlag = Math.max(-limit, Math.min(limit, v - t.vruntime));
        if ((flags & DEQUEUE_MIGRATE) != 0) t.relDeadline = t.deadline - t.vruntime;
        cpu.removeEntity(t);
        t.onRq = false;
        cpu.tasks.remove(t);
        cpu.nrRunning--;
        totalQueued--;
        if (sink != null) sink.nrRunning(now, t.cpu, cpu.nrRunning);
        policy.dequeue(t.cpu, t, flags);
    }

    static final int DEQUEUE_SLEEP = 1, DEQUEUE_MIGRATE = 2, ENQUEUE_WAKEUP = 1, ENQUEUE_MIGRATED = 2, ENQUEUE_INITIAL = 4;

    private void placeEntity(Cpu cpu, Task se, int flags) {
        long v = cpu.avgVruntime();
        long lag = 0;
        if ((flags & ENQUEUE_INITIAL) == 0) {
            lag = se.vlag;
            if (cpu.loadWeight > 0) lag = lag * (cpu.loadWeight + se.weight) / cpu.loadWeight;
        }
        se.vruntime = v - lag;
        if (se.slice == 0) se.slice = sliceNs;
        long vslice = se.slice * 1024L / se.weight;
        if (se.relDeadline != Long.MIN_VALUE) {
            se.deadline = se.vruntime + se.relDeadline;
            se.relDeadline = Long.MIN_VALUE;
        } else {
            if ((flags & ENQUEUE_INITIAL) != 0) vslice /= 2;
            se.deadline = se.vruntime + vslice;
        }
    }

    // =====================================================================================================
    // schedule()
    // =====================================================================================================

    /** __schedule on CPU c: picks the next task (running newidle balance first if the runqueue is empty),
     *  puts back a preempted one and switches. */
    void schedule(int c) {
        Cpu cpu = cpus[c];
        cpu.needResched = false;
        account(c);
        Task prev = cpu.curr;
        Task next = pickNext(cpu);
        if (next != null && next == prev) {
            // no set_next_task: nothing queues a balance callback when prev stays
            switchTo(c, prev, prev, false);
            return;
        }
        if (prev != null && prev.state == Task.State.RUNNING) {
            syncTaskPelt(prev);
            prev.state = Task.State.RUNNABLE;
            prev.runnableSince = now;
            policy.stopping(c, prev, true);
        }
        if (next == null) {
            cpu.newidle = true;
            if (prev != null) switchTo(c, prev, null, true);
            policy.newidle(c);
            cpu.newidle = false;
            cpu.needResched = false;
            if (cpu.nrRunning > 0) {
                switchTo(c, null, pickNext(cpu), false);
            } else {
                if (cpu.idleSince < 0) cpu.idleSince = now;
                enterIdle(c);
            }
        } else {
            switchTo(c, prev, next, false);
        }
        policy.balanceCallback(c);
    }

    /** pick_next_entity: a delayed sleeper that comes up is dequeued for good (its positive lag dropped). */
    private Task pickNext(Cpu cpu) {
        while (cpu.nrRunning > 0) {
            Task next = cpu.pickEevdf(true);
            if (next == null || !next.delayed) return next;
            finishDelayedDequeue(next);
        }
        return null;
    }

    private void finishDelayedDequeue(Task t) {
        Cpu cpu = cpus[t.cpu];
        t.delayed = false;
        cpu.nrDelayed--;
        totalQueued++;   // dequeue() takes it off the count again
        dequeue(t, DEQUEUE_SLEEP);
        if (t.vlag > 0) t.vlag = 0;
    }

    private void switchTo(int c, Task prev, Task next, boolean transientIdle) {
        Cpu cpu = cpus[c];
        peltRq(cpu);
        cpu.genStep++;
        cpu.genRun++;
        cpu.runArmed = false;
        if (prev == next) {
            if (next != null) {
                next.state = Task.State.RUNNING;
                step(c);
            }
            return;
        }
        if (prev != null) {
            prev.lastRanCpu = c;
            prev.lastStopped = now;
        }
        boolean wasIdle = cpu.curr == null;
        if (next == null) {
            if (cpu.curr != null) nrBusyCpus--;
            memoryChanged(c, cpu.curr, null);
            cpu.curr = null;
            if (cpu.idleSince < 0) cpu.idleSince = now;
            if (sink != null) sink.switchTo(now, c, 0, "swapper");
            siblingsChanged(c);
            if (!transientIdle) enterIdle(c);
            return;
        }
        if (cpu.curr == null) nrBusyCpus++;
        if (wasIdle && cpu.idleSince >= 0) {
            long sample = now - cpu.idleSince;
            long avg = cpu.avgIdle + (sample - cpu.avgIdle) / 8;
            cpu.avgIdle = Math.min(avg, 2 * cpu.maxIdleBalanceCost);
            cpu.idleSince = -1;
        }
        chargeKernel(c, costs.contextSwitchNs, KK_CONTEXT_SWITCH);
        syncTaskPelt(next);
        memoryChanged(c, cpu.curr, next);
        cpu.curr = next;
        next.state = Task.State.RUNNING;
        next.execStart = now;
        // the task starts once the CPU is through idle exit and the switch itself
        long start = busyUntil(c);
        if (next.runnableSince >= 0 && measuring) Recorder.record(rec.runqueueWait, start - next.runnableSince);
        next.runnableSince = -1;
        if (next.wakingSince >= 0) {
            if (measuring) Recorder.record(rec.wakeupLatency, start - next.wakingSince);
            next.wakingSince = -1;
        }
        next.vprot = Math.min(next.deadline, next.vruntime + sliceNs * 1024L / next.weight);
        cpu.moveToHead(next);
        rec.contextSwitches++;
        if (sink != null) sink.switchTo(now, c, next.pid, next.comm);
        if (cpu.tickStopped) restartTick(c);
        else if (!cpu.tickArmed) armTick(c);
        siblingsChanged(c);
        policy.running(c, next);
        step(c);
    }

    /** Continues the current task once the CPU's kernel work is done. */
    private void step(int c) {
        Cpu cpu = cpus[c];
        Task t = cpu.curr;
        // a task in (or about to start) a Run needs no step event: its completion can be armed now
        if (t != null && !cpu.needResched) {
            if (t.inRun) {
                armCompletion(c);
                return;
            }
            if (t.pc < t.program.length && t.program[t.pc] instanceof Op.Run && startRun(t, c)) return;
        }
        q.schedule(busyUntil(c), EV_STEP, c, cpu.genStep);
    }

    /** Starts the Run op at the task's pc; false if it asks for no work (the op is then skipped). */
    private boolean startRun(Task t, int c) {
        double w = ((Op.Run) t.program[t.pc]).work.sample(t.rng);
        if (costs.workJitter > 0 && w > 0) w = Math.max(0, w * (1 + costs.workJitter * jitterRng.nextGaussian()));
        workDemanded += w;
        if (t.pendingRefillNs > 0) {
            w += t.pendingRefillNs;
            refillDemanded += t.pendingRefillNs;
            t.pendingRefillNs = 0;
        }
        if (w <= 0) {
            t.pc++;
            return false;
        }
        t.remainingWork = w;
        t.inRun = true;
        armCompletion(c);
        return true;
    }

    private void onStep(int c, long gen) {
        Cpu cpu = cpus[c];
        if (gen != cpu.genStep || cpu.curr == null) return;
        if (cpu.kernelUntil > now) {
            step(c);
            return;
        }
        if (cpu.needResched) {
            schedule(c);
            return;
        }
        Task t = cpu.curr;
        if (t.inRun) {
            account(c);
            if (t.runWallEnd >= 0 ? now < t.runWallEnd : t.remainingWork > 1e-6) armCompletion(c);
            else completeRun(t, c);
        } else {
            advance(t, c);
        }
    }

    private void armCompletion(int c) {
        Cpu cpu = cpus[c];
        Task t = cpu.curr;
        cpu.genRun++;
        cpu.runArmed = true;
        long start = busyUntil(c);
        long at;
        if (t.runWallEnd >= 0) at = Math.max(start, t.runWallEnd);
        else at = start + Math.max(1, (long) Math.ceil(t.remainingWork / cpu.rate));
        q.schedule(at, EV_RUN_DONE, c, cpu.genRun);
    }

    private void onRunDone(int c, long gen) {
        Cpu cpu = cpus[c];
        if (gen != cpu.genRun || cpu.curr == null) return;
        account(c);
        Task t = cpu.curr;
        boolean more = cpu.kernelUntil > now
                || (t.runWallEnd >= 0 ? now < t.runWallEnd : t.remainingWork > 1e-6);
        if (more) {
            armCompletion(c);
            return;
        }
        cpu.runArmed = false;
        completeRun(t, c);
    }

    /** The current Run or RunWall op is done: the task moves on to its next op. */
    private void completeRun(Task t, int c) {
        if (t.runWallEnd < 0 && t.remainingWork > 0) {
            workExecuted += t.remainingWork;   // rounding residue below a nanosecond
        }
        t.remainingWork = 0;
        t.runWallEnd = -1;
        t.inRun = false;
        t.pc++;
        if (cpus[c].needResched) schedule(c);
        else advance(t, c);
    }

    // =====================================================================================================
    // tick, idle and nohz
    // =====================================================================================================

    private void armTick(int c) {
        Cpu cpu = cpus[c];
        cpu.tickArmed = true;
        cpu.genTick++;
        long next = (now / tickNs + 1) * tickNs;
        q.schedule(next, EV_TICK, c, cpu.genTick);
    }

    private void restartTick(int c) {
        Cpu cpu = cpus[c];
        cpu.tickStopped = false;
        armTick(c);
        policy.tickRestarted(c);
    }

    private void enterIdle(int c) {
        Cpu cpu = cpus[c];
        // the governor stops the tick when it expects to stay idle for at least a tick
        if (!cpu.tickStopped && cpu.avgIdle >= tickNs) stopTick(c);
    }

    private void stopTick(int c) {
        Cpu cpu = cpus[c];
        cpu.tickStopped = true;
        cpu.tickArmed = false;
        cpu.genTick++;
        policy.tickStopped(c);
    }

    private void onTick(int c, long gen) {
        Cpu cpu = cpus[c];
        if (gen != cpu.genTick) return;
        cpu.tickArmed = false;
        account(c);
        chargeKernel(c, costs.tickNs, KK_TICK);
        Task curr = cpu.curr;
        if (curr != null) {
            peltRq(cpu);
            syncTaskPelt(curr);
            if (cfg.slice && cpu.sliceExpired && cpu.nrRunning > 1) cpu.needResched = true;
            cpu.sliceExpired = false;
        } else {
            peltRq(cpu);
        }
        policy.tick(c, curr == null);
        if (cpu.curr == null && cpu.nrRunning == 0) {
            if (!cpu.tickStopped) stopTick(c);
        } else {
            armTick(c);
        }
        if (cpu.needResched) schedule(c);
    }

    /** A task became runnable on an idle CPU: it leaves idle (paying the exit latency) and runs it. */
    private void kickIdle(int c) {
        Cpu cpu = cpus[c];
        if (cpu.curr != null || cpu.newidle) return;
        chargeKernel(c, costs.idleExitNs, KK_IDLE_EXIT);
        schedule(c);
    }

    /** Wakeup preemption check (check_preempt_wakeup_fair) after {@code p} was enqueued on {@code c}. */
    private void checkPreempt(int c, Task p, int wakeFlags, int fromCpu) {
        Cpu cpu = cpus[c];
        Task curr = cpu.curr;
        if (curr == null) {
            if (cpu.newidle) cpu.needResched = true;
            else kickIdle(c);
            return;
        }
        if (!cfg.slice || (wakeFlags & SchedPolicy.WF_FORK) != 0) return;
        account(c);
        if (cpu.pickEevdf(true) == p) reschedCpu(c, fromCpu);
    }

    private void reschedCpu(int c, int fromCpu) {
        Cpu cpu = cpus[c];
        if (cpu.needResched) return;
        cpu.needResched = true;
        if (c != fromCpu) {
            if (fromCpu >= 0) chargeKernel(fromCpu, costs.ipiSendNs, KK_IPI);
            q.schedule(now + costs.ipiLatencyNs, EV_RESCHED, c, 0);
        }
    }

    // =====================================================================================================
    // wakeups, fork, exit
    // =====================================================================================================

    /** try_to_wake_up from the context of {@code wakerCpu} (-1: an interrupt on the task's previous CPU). */
    void tryToWakeUp(Task p, int wakerCpu, boolean sync) {
        if (p.state != Task.State.BLOCKED) return;
        if (p.delayed) {
            requeueDelayed(p, wakerCpu, sync);
            return;
        }
        syncTaskPelt(p);
        p.state = Task.State.WAKING;
        p.wakingSince = now;
        p.genTimer++;
        rec.wakeups++;
        int from = wakerCpu >= 0 ? wakerCpu : p.cpu;
        Task waker = wakerCpu >= 0 ? cpus[wakerCpu].curr : null;
        if (waker != null) recordWakee(waker, p);
        boolean fromTask = waker != null;
        if (wakerCpu >= 0) chargeKernel(wakerCpu, costs.wakeupCallNs, KK_WAKEUP);
        int flags = SchedPolicy.WF_TTWU | (sync ? SchedPolicy.WF_SYNC : 0);
        int target = selectCpu(p, p.cpu, from, flags);
        if (target == SchedPolicy.DEFER) {
            p.state = Task.State.HELD;
            p.runnableSince = now;
            heldTasks++;
            return;
        }
        if (fromTask && measuring) {
            if (sds.cpusShareCache(from, target)) wakeupsSameLlc++;
            else wakeupsCrossLlc++;
        }
        wakeOnto(p, target, from, flags, "wakeup");
    }

    /** ttwu_runnable: a delayed task is still on its runqueue; it just becomes runnable there again. */
    private void requeueDelayed(Task p, int wakerCpu, boolean sync) {
        int c = p.cpu;
        Cpu cpu = cpus[c];
        account(c);
        syncTaskPelt(p);
        peltRq(cpu);
        p.delayed = false;
        cpu.nrDelayed--;
        totalQueued++;
        p.state = Task.State.RUNNABLE;
        p.runnableSince = now;
        p.wakingSince = now;
        p.genTimer++;
        rec.wakeups++;
        if (wakerCpu >= 0) {
            Task waker = cpus[wakerCpu].curr;
            if (waker != null) recordWakee(waker, p);
            chargeKernel(wakerCpu, costs.wakeupCallNs + (wakerCpu != c ? costs.remoteLockNs(topo, wakerCpu, c) : 0), KK_WAKEUP);
        }
        rec.count("wakeups.delayed_requeue", 1);
        int flags = SchedPolicy.WF_TTWU | (sync ? SchedPolicy.WF_SYNC : 0);
        policy.enqueue(c, p, flags);
        checkPreempt(c, p, flags, wakerCpu >= 0 ? wakerCpu : c);
    }

    private int selectCpu(Task p, int prev, int from, int flags) {
        int target = policy.selectTaskRq(p, prev, from, flags);
        if (target == SchedPolicy.DEFER) return target;
        if (target < 0 || target >= nrCpus || !p.canRunOn(target))
            throw new IllegalStateException("policy " + policy.name() + " chose CPU " + target + " for " + p
                    + " allowed on " + (p.allowed == null ? "all" : p.allowed.toString()));
        return target;
    }

    private void wakeOnto(Task p, int target, int from, int flags, String kind) {
        noteMigration(p, target, kind);
        Cpu tc = cpus[target];
        // wake_up_new_task enqueues on the chosen runqueue under its lock: no wakelist IPI for a fork
        boolean remote = (flags & SchedPolicy.WF_FORK) == 0 && from != target
                && (!sds.cpusShareCache(from, target) || (tc.curr == null && !tc.newidle));
        if (remote && costs.ipiLatencyNs > 0) {
            tc.ttwuPending++;
            chargeKernel(from, costs.ipiSendNs, KK_IPI);
            q.schedule(now + costs.ipiLatencyNs, EV_WAKE_ARRIVE, target, ((long) flags << 32) | p.pid);
            return;
        }
        if (from != target) chargeKernel(from, costs.remoteLockNs(topo, from, target), KK_WAKEUP);
        activate(p, target, flags, from);
    }

    private void onWakeArrive(int c, long packed) {
        int pid = (int) (packed & 0xffffffffL);
        int flags = (int) (packed >>> 32);
        cpus[c].ttwuPending--;
        Task p = tasks.get(pid - 1);
        if (p == null || p.state != Task.State.WAKING) return;
        activate(p, c, flags, c);
        if (cpus[c].needResched) schedule(c);
    }

    private void activate(Task p, int c, int wakeFlags, int fromCpu) {
        int enqFlags = (wakeFlags & SchedPolicy.WF_FORK) != 0 ? ENQUEUE_INITIAL : ENQUEUE_WAKEUP;
        enqueue(p, c, enqFlags);
        checkPreempt(c, p, wakeFlags, fromCpu);
    }

    private void recordWakee(Task waker, Task wakee) {
        if (now - waker.wakeeFlipDecayTs > 1_000_000_000L) {
            waker.wakeeFlips >>= 1;
            waker.wakeeFlipDecayTs = now;
        }
        if (waker.lastWakee != wakee) {
            waker.lastWakee = wakee;
            waker.wakeeFlips++;
        }
    }

    private void noteMigration(Task p, int target, String kind) {
        int from = p.lastRanCpu >= 0 ? p.lastRanCpu : -1;
        if (from < 0 || from == target) return;
        long refill = costs.refillNs(topo, from, target, p.workingSet);
        if (measuring) rec.migration(sds.migrationLevel(from, target), refill);
        if (refill > 0) {
            p.pendingRefillNs += refill;
        }
        p.lastRanCpu = target;
        if (sink != null) sink.migrate(now, p.pid, p.comm, from, target, kind);
    }

    private Task createTask(int templateIndex, Task parent) {
        TaskTemplate tt = wl.templates.get(templateIndex);
        int pid = nextPid++;
        String comm = tt.comm;
        Task t = new Task(pid, comm, tt, templateIndex, taskRng.derive(pid), parent, nrCpus, now, wl.timers, wl.marks.size());
        t.m = this;
        t.slice = sliceNs;
        if (templateResumeLatch[templateIndex]) {
            t.resumeLatch = true;
            templateResumeLatch[templateIndex] = false;
        }
        tasks.add(t);
        liveByTemplate.get(templateIndex).add(t);
        liveTasks++;
        rec.tasksCreated++;
        if (sink != null) sink.taskName(pid, parent != null ? parent.pid : pid, comm);
        return t;
    }

    /** wake_up_new_task: place with fork balancing and enqueue. */
    private void wakeUpNew(Task t, int parentCpu) {
        t.state = Task.State.WAKING;
        t.wakingSince = now;
        int target = selectCpu(t, parentCpu, parentCpu, SchedPolicy.WF_FORK);
        if (target == SchedPolicy.DEFER) {
            t.state = Task.State.HELD;
            t.runnableSince = now;
            heldTasks++;
            return;
        }
        t.lastRanCpu = target;
        t.cpu = target;
        postInitEntityUtilAvg(t, cpus[target]);
        wakeOnto(t, target, parentCpu, SchedPolicy.WF_FORK, "fork");
    }

    /**
     * post_init_entity_util_avg: a new task starts with the runqueue's utilisation per unit of load times its
     * weight, at most half the CPU's spare capacity (all of that half on an empty runqueue); runnable = util.
     */
    private void postInitEntityUtilAvg(Task t, Cpu cpu) {
        peltRq(cpu);
        double cap = (cpu.capacity - cpu.pelt.util) / 2;
        if (cap <= 0) return;
        double util = cpu.pelt.util != 0 ? Math.min(cap, cpu.pelt.util * t.weight / (cpu.pelt.load + 1)) : cap;
        t.pelt.util = util;
        t.pelt.runnable = util;
    }

    private void onStart(int templateIndex) {
        TaskTemplate tt = wl.templates.get(templateIndex);
        for (int i = 0; i < tt.instances; i++) {
            Task t = createTask(templateIndex, null);
            wakeUpNew(t, 0);
        }
    }

    private void onArrival() {
        WorkloadSpec.Arrivals a = wl.arrivals;
        Task t = createTask(a.template, null);
        t.isJob = true;
        int from = arrivalRng.nextInt(nrCpus);
        wakeUpNew(t, from);
        q.schedule(now + Math.max(1, a.interarrival.sample(arrivalRng)), EV_ARRIVAL, 0, 0);
    }

    private void exitTask(Task t, int c) {
        chargeKernel(c, costs.exitNs, KK_EXIT);
        dequeue(t, DEQUEUE_SLEEP);
        attachPelt(t, -1);
        t.state = Task.State.EXITED;
        liveTasks--;
        rec.tasksExited++;
        liveByTemplate.get(t.templateIndex).remove(t);
        if (t.isJob && measuring) {
            rec.jobsCompleted++;
            Recorder.record(rec.responseTime, now - t.createdAt);
        }
        Task parent = t.parent;
        if (parent != null && parent.state != Task.State.EXITED) {
            parent.childrenExited++;
            if (parent.childrenAwaited > 0 && parent.childrenExited >= parent.childrenAwaited
                    && parent.state == Task.State.BLOCKED && parent.blockedOn == BLOCK_CHILDREN) {
                parent.childrenExited -= parent.childrenAwaited;
                parent.childrenAwaited = 0;
                tryToWakeUp(parent, c, false);
            }
        }
        policy.taskDead(t);
        if (measuring) exitedExec.add(t.sumExecRuntime);
        tasks.set(t.pid - 1, null);
        schedule(c);
        if (wl.endWhenAllExit && liveTasks == 0 && heldTasks == 0 && !hasPendingStarts()) {
            stopped = true;
            endTime = now;
        }
    }

    private boolean hasPendingStarts() {
        for (TaskTemplate t : wl.templates) if (t.instances > 0 && t.startDelayNs > now) return true;
        return false;
    }

    static final int BLOCK_SLEEP = 1, BLOCK_CHANNEL = 2, BLOCK_MUTEX = 3, BLOCK_COND = 4, BLOCK_SUSPEND = 5,
            BLOCK_BARRIER = 6, BLOCK_CHILDREN = 7;

    /** The running task blocks: it leaves the runqueue and the CPU reschedules. */
    private void block(Task t, int c, int reason) {
        Cpu cpu = cpus[c];
        account(c);
        if (cfg.delayDequeue && cpu.nrRunning > 1 && !cpu.eligible(t)) {
            // DELAY_DEQUEUE: an ineligible sleeper stays queued, competing, until it is picked or woken
            syncTaskPelt(t);
            peltRq(cpu);
            t.delayed = true;
            cpu.nrDelayed++;
            totalQueued--;
        } else {
            dequeue(t, DEQUEUE_SLEEP);
        }
        t.state = Task.State.BLOCKED;
        t.blockedOn = reason;
        t.cpu = c;
        policy.stopping(c, t, false);
        schedule(c);
    }

    private void onTimer(int pid, long gen) {
        Task t = pid - 1 < tasks.size() ? tasks.get(pid - 1) : null;
        if (t == null || t.genTimer != gen || t.state != Task.State.BLOCKED) return;
        tryToWakeUp(t, -1, false);
    }

    // =====================================================================================================
    // the program interpreter
    // =====================================================================================================

    /** Executes the running task's program from its pc until it starts a run, blocks or exits. */
    private void advance(Task t, int c) {
        Cpu cpu = cpus[c];
        int guard = 0;
        while (true) {
            if (cpu.curr != t || t.state != Task.State.RUNNING) return;
            if (cpu.needResched) {
                schedule(c);
                return;
            }
            if (++guard > MAX_ZERO_TIME_OPS)
                throw new WorkloadException(wl.name + ": task " + t.comm + " loops without consuming time (at op "
                        + t.pc + ": " + t.program[t.pc] + ")");
            if (t.pc >= t.program.length) {
                exitTask(t, c);
                return;
            }
            Op op = t.program[t.pc];
            if (op instanceof Op.Run) {
                if (startRun(t, c)) return;
                continue;
            } else if (op instanceof Op.RunWall) {
                long d = ((Op.RunWall) op).duration.sample(t.rng);
                if (d <= 0) {
                    t.pc++;
                    continue;
                }
                t.runWallEnd = now + d;
                t.remainingWork = Double.POSITIVE_INFINITY;
                t.inRun = true;
                armCompletion(c);
                return;
            } else if (op instanceof Op.Sleep) {
                long d = ((Op.Sleep) op).duration.sample(t.rng);
                t.pc++;
                if (d <= 0) continue;
                sleepFor(t, c, d);
                return;
            } else if (op instanceof Op.Timer) {
                Op.Timer tm = (Op.Timer) op;
                t.pc++;
                long[] store = t.timerNext != null ? t.timerNext : sharedTimerNext;
                if (store[tm.timer] == Long.MIN_VALUE) store[tm.timer] = t.createdAt;
                store[tm.timer] += tm.periodNs;
                if (now < store[tm.timer]) {
                    sleepFor(t, c, store[tm.timer] - now);
                    return;
                }
                if (!tm.absolute) store[tm.timer] = now;
            } else if (op instanceof Op.Wait) {
                int ch = ((Op.Wait) op).channel;
                t.pc++;
                if (chanCount[ch] > 0) {
                    chanCount[ch]--;
                    continue;
                }
                chanWaiters[ch].add(t);
                block(t, c, BLOCK_CHANNEL);
                return;
            } else if (op instanceof Op.Signal) {
                Op.Signal s = (Op.Signal) op;
                t.pc++;
                ArrayDeque<Task> w = chanWaiters[s.channel];
                if (s.all) {
                    while (!w.isEmpty()) tryToWakeUp(w.poll(), c, s.sync);
                } else if (!w.isEmpty()) {
                    tryToWakeUp(w.poll(), c, s.sync);
                } else {
                    chanCount[s.channel]++;
                }
            } else if (op instanceof Op.Lock) {
                int m = ((Op.Lock) op).mutex;
                t.pc++;
                if (mutexOwner[m] == null) {
                    mutexOwner[m] = t;
                    continue;
                }
                mutexWaiters[m].add(t);
                block(t, c, BLOCK_MUTEX);
                return;
            } else if (op instanceof Op.Unlock) {
                t.pc++;
                unlock(((Op.Unlock) op).mutex, t, c);
            } else if (op instanceof Op.CondWait) {
                Op.CondWait cw = (Op.CondWait) op;
                t.pc++;
                if (mutexOwner[cw.mutex] == t) unlock(cw.mutex, t, c);
                t.condMutex = cw.mutex;
                condWaiters[cw.cond].add(t);
                block(t, c, BLOCK_COND);
                return;
            } else if (op instanceof Op.CondSignal) {
                Op.CondSignal cs = (Op.CondSignal) op;
                t.pc++;
                ArrayDeque<Task> w = condWaiters[cs.cond];
                if (cs.all) while (!w.isEmpty()) condWake(w.poll(), c);
                else if (!w.isEmpty()) condWake(w.poll(), c);
            } else if (op instanceof Op.Suspend) {
                t.pc++;
                if (t.resumeLatch) {
                    t.resumeLatch = false;
                    continue;
                }
                block(t, c, BLOCK_SUSPEND);
                return;
            } else if (op instanceof Op.Resume) {
                int target = ((Op.Resume) op).target;
                t.pc++;
                List<Task> live = liveByTemplate.get(target);
                if (live.isEmpty()) templateResumeLatch[target] = true;
                for (int i = 0; i < live.size(); i++) {
                    Task x = live.get(i);
                    if (x.state == Task.State.BLOCKED && x.blockedOn == BLOCK_SUSPEND) tryToWakeUp(x, c, false);
                    else x.resumeLatch = true;
                }
            } else if (op instanceof Op.Barrier) {
                int b = ((Op.Barrier) op).barrier;
                t.pc++;
                if (++barrierArrived[b] >= wl.barrierParties[b]) {
                    barrierArrived[b] = 0;
                    ArrayList<Task> w = barrierWaiters[b];
                    for (int i = 0; i < w.size(); i++) tryToWakeUp(w.get(i), c, false);
                    w.clear();
                    continue;
                }
                barrierWaiters[b].add(t);
                block(t, c, BLOCK_BARRIER);
                return;
            } else if (op instanceof Op.Fork) {
                Op.Fork f = (Op.Fork) op;
                t.pc++;
                for (int i = 0; i < f.count; i++) {
                    chargeKernel(c, costs.forkNs, KK_FORK);
                    Task child = createTask(f.template, t);
                    wakeUpNew(child, c);
                }
            } else if (op instanceof Op.WaitChildren) {
                int k = ((Op.WaitChildren) op).count;
                t.pc++;
                if (t.childrenExited >= k) {
                    t.childrenExited -= k;
                    continue;
                }
                t.childrenAwaited = k;
                block(t, c, BLOCK_CHILDREN);
                return;
            } else if (op instanceof Op.Exec) {
                t.pc++;
                chargeKernel(c, costs.execNs, KK_EXEC);
                int target = selectCpu(t, c, c, SchedPolicy.WF_EXEC);
                if (target != SchedPolicy.DEFER && target != c) {
                    moveRunning(t, c, target, "exec");
                    return;
                }
            } else if (op instanceof Op.Yield) {
                t.pc++;
                if (cpu.nrRunning > 1) {
                    account(c);
                    t.deadline += t.slice * 1024L / t.weight;
                    cpu.needResched = true;
                }
            } else if (op instanceof Op.Exit) {
                exitTask(t, c);
                return;
            } else if (op instanceof Op.LoopBegin) {
                int count = ((Op.LoopBegin) op).count;
                if (count == 0) {
                    t.pc = loopEnd[t.templateIndex][t.pc] + 1;
                    continue;
                }
                t.loopLeft[t.pc] = count < 0 ? -1 : count;
                t.pc++;
            } else if (op instanceof Op.LoopEnd) {
                int begin = ((Op.LoopEnd) op).begin;
                int left = t.loopLeft[begin];
                if (left < 0) {
                    t.pc = begin + 1;
                } else if (left > 1) {
                    t.loopLeft[begin] = left - 1;
                    t.pc = begin + 1;
                } else {
                    t.loopLeft[begin] = 0;
                    t.pc++;
                }
            } else if (op instanceof Op.SetAffinity) {
                t.pc++;
                CpuSet s = ((Op.SetAffinity) op).cpus;
                CpuSet fit = new CpuSet(nrCpus);
                for (int i = s.first(); i >= 0 && i < nrCpus; i = s.nextSetBit(i + 1)) fit.set(i);
                if (fit.isEmpty()) throw new WorkloadException(wl.name + ": task " + t.comm + " affinity " + s
                        + " has no CPU of this " + nrCpus + "-CPU machine");
                t.allowed = fit.cardinality() == nrCpus ? null : fit;
                t.nrCpusAllowed = fit.cardinality();
                if (!t.canRunOn(c)) {
                    int target = selectCpu(t, c, c, SchedPolicy.WF_EXEC);
                    if (target == SchedPolicy.DEFER) target = fit.first();
                    moveRunning(t, c, target, "affinity");
                    return;
                }
            } else if (op instanceof Op.SetNice) {
                t.pc++;
                account(c);
                peltRq(cpu);
                syncTaskPelt(t);
                cpu.removeEntity(t);
                t.setNice(((Op.SetNice) op).nice);
                cpu.addEntity(t);
            } else if (op instanceof Op.Mark) {
                Op.Mark mk = (Op.Mark) op;
                t.pc++;
                if (mk.begin) {
                    t.markStart[mk.metric] = now;
                } else {
                    if (measuring) {
                        rec.markCount[mk.metric]++;
                        if (t.markStart[mk.metric] >= 0)
                            Recorder.record(rec.markLatency.get(mk.metric), now - t.markStart[mk.metric]);
                    }
                    t.markStart[mk.metric] = -1;
                }
            } else {
                throw new IllegalStateException("unknown op " + op);
            }
        }
    }

    private void sleepFor(Task t, int c, long d) {
        t.genTimer++;
        q.schedule(now + d, EV_TIMER, t.pid, t.genTimer);
        block(t, c, BLOCK_SLEEP);
    }

    private void unlock(int m, Task t, int c) {
        if (mutexOwner[m] != t) return;
        Task next = mutexWaiters[m].poll();
        mutexOwner[m] = next;
        if (next != null) tryToWakeUp(next, c, false);
    }

    private void condWake(Task w, int c) {
        int m = w.condMutex;
        if (m >= 0 && mutexOwner[m] != null && mutexOwner[m] != w) {
            w.blockedOn = BLOCK_MUTEX;
            mutexWaiters[m].add(w);
            return;
        }
        if (m >= 0) mutexOwner[m] = w;
        tryToWakeUp(w, c, false);
    }

    /** Moves the running task to another CPU through the stopper (sched_exec, affinity change). */
    private void moveRunning(Task t, int c, int target, String kind) {
        chargeKernel(c, costs.contextSwitchNs, KK_MIGRATE_RUNNING);
        account(c);
        syncTaskPelt(t);
        t.state = Task.State.RUNNABLE;
        policy.stopping(c, t, true);
        dequeue(t, DEQUEUE_MIGRATE);
        noteMigration(t, target, kind);
        enqueue(t, target, ENQUEUE_MIGRATED);
        schedule(c);
        checkPreempt(target, t, 0, c);
    }

    // =====================================================================================================
    // SchedContext
    // =====================================================================================================

    @Override public long now() { return now; }
    @Override public long jiffies() { return now / tickNs; }
    @Override public long tickNs() { return tickNs; }
    @Override public Topology topology() { return topo; }
    @Override public SchedDomains domains() { return sds; }
    @Override public int nrCpus() { return nrCpus; }
    @Override public CostModel costs() { return costs; }
    @Override public Rng rng(String name) { return rngs.computeIfAbsent(name, n -> Rng.stream(cfg.seed, "policy." + n)); }
    @Override public String option(String key, String def) { return policyOptions.getOrDefault(key, def); }
    @Override public int nrRunning(int c) { return cpus[c].nrRunning; }
    @Override public TaskView curr(int c) { return cpus[c].curr; }
    @Override public boolean idleCpu(int c) { return cpus[c].isIdle(); }
    @Override public boolean ttwuPending(int c) { return cpus[c].ttwuPending > 0; }
    @Override public boolean tickStopped(int c) { return cpus[c].tickStopped; }
    @Override public int rqTaskCount(int c) { return cpus[c].tasks.size(); }
    @Override public TaskView rqTask(int c, int i) { return cpus[c].tasks.get(i); }

    @Override public boolean eligible(TaskView p) {
        Task t = (Task) p;
        if (!t.onRq) return true;
        Cpu cpu = cpus[t.cpu];
        account(t.cpu);
        return cpu.eligible(t);
    }

    @Override public double cpuLoad(int c) {
        peltRq(cpus[c]);
        return cpus[c].pelt.load;
    }

    @Override public double cpuUtil(int c) {
        peltRq(cpus[c]);
        return Math.min(cpus[c].pelt.util, cpus[c].capacity);
    }

    @Override public double cpuRunnable(int c) {
        peltRq(cpus[c]);
        return cpus[c].pelt.runnable;
    }

    @Override public int capacityOf(int c) { return cpus[c].capacity; }
    @Override public long avgIdle(int c) { return cpus[c].avgIdle; }
    @Override public long idleSince(int c) { return cpus[c].curr == null ? cpus[c].idleSince : -1; }
    @Override public int heldTasks() { return heldTasks; }
    @Override public long chargedNs(int c) { return cpus[c].chargedNs; }
    @Override public long maxIdleBalanceCost(int c) { return cpus[c].maxIdleBalanceCost; }
    @Override public void setMaxIdleBalanceCost(int c, long ns) { cpus[c].maxIdleBalanceCost = ns; }

    private final Map<String, Map<String, String>> keyCache = new HashMap<>();

    /** {@code prefix + kind}, built once per pair. */
    private String key(String prefix, String kind) {
        return keyCache.computeIfAbsent(prefix, x -> new HashMap<>()).computeIfAbsent(kind, k -> prefix + k);
    }

    @Override public void chargeScans(int acting, CpuSet targets, String kind) {
        long ns = 0;
        int n = 0;
        for (int i = targets.first(); i >= 0; i = targets.nextSetBit(i + 1)) {
            ns += costs.statGatherNs(topo, acting, i);
            n++;
        }
        rec.count(key("rq_scans.", kind), n);
        chargeBalance(acting, ns, kind);
    }

    @Override public boolean migrate(TaskView pv, int dst, int acting, String kind) {
        Task p = (Task) pv;
        if (p.state != Task.State.RUNNABLE || !p.canRunOn(dst) || p.cpu == dst) return false;
        int src = p.cpu;
        chargeBalance(acting, costs.remoteLockNs(topo, acting, src) + costs.remoteLockNs(topo, acting, dst)
                + costs.detachAttachNs, kind);
        rec.count(key("remote_locks.", kind), (acting != src ? 1 : 0) + (acting != dst ? 1 : 0));
        rec.count(key("migrations.", kind), 1);
        dequeue(p, DEQUEUE_MIGRATE);
        noteMigration(p, dst, kind);
        long flight = acting == dst ? 0 : costs.remoteLockNs(topo, acting, dst);
        if (flight <= 0) {
            attachMigrated(p, dst, acting);
        } else {
            // the task reaches dst only once the mover holds dst's lock: two movers can pick one idle CPU
            syncTaskPelt(p);
            p.state = Task.State.WAKING;
            q.schedule(now + flight, EV_ATTACH, dst, ((long) acting << 32) | p.pid);
        }
        return true;
    }

    private void onAttach(int dst, long packed) {
        int pid = (int) (packed & 0xffffffffL);
        int acting = (int) (packed >>> 32);
        Task p = tasks.get(pid - 1);
        if (p == null || p.state != Task.State.WAKING) return;
        attachMigrated(p, dst, acting);
    }

    private void attachMigrated(Task p, int dst, int acting) {
        enqueue(p, dst, ENQUEUE_MIGRATED);
        Cpu d = cpus[dst];
        if (d.curr == null) {
            if (dst == acting || d.newidle) {
                d.needResched = true;
            } else if (costs.ipiLatencyNs > 0) {
                chargeKernel(acting, costs.ipiSendNs, KK_IPI);
                d.ttwuPending++;
                q.schedule(now + costs.ipiLatencyNs, EV_IPI, dst, newSlot(-1, 0));
            } else {
                kickIdle(dst);
            }
        } else if (cfg.slice) {
            account(dst);
            if (d.pickEevdf(true) == p) reschedCpu(dst, acting);
        }
    }

    @Override public void stopperMove(int src, int dst, int acting, String kind) {
        chargeBalance(acting, costs.ipiSendNs, kind);
        rec.count(key("active_balance.", kind), 1);
        q.schedule(now + costs.ipiLatencyNs, EV_STOPPER, src, newSlot(dst, kindId(kind)));
    }

    private final List<String> kinds = new ArrayList<>();

    private int kindId(String kind) {
        int i = kinds.indexOf(kind);
        if (i >= 0) return i;
        kinds.add(kind);
        return kinds.size() - 1;
    }

    private void onStopper(int src, long packed) {
        int slot = (int) packed;
        long[] s = slots.get(slot);
        int dst = (int) s[0];
        String kind = kinds.get((int) s[1]);
        freeSlots.add(slot);
        Cpu cpu = cpus[src];
        chargeBalance(src, costs.contextSwitchNs, kind);
        account(src);
        Task running = cpu.curr;
        if (running != null && running.state == Task.State.RUNNING) {
            // the stopper preempts the running task, which becomes an ordinary queued task
            syncTaskPelt(running);
            peltRq(cpu);
            running.state = Task.State.RUNNABLE;
            running.runnableSince = now;
            running.lastRanCpu = src;
            running.lastStopped = now;
            policy.stopping(src, running, true);
            memoryChanged(src, running, null);
            cpu.curr = null;
            nrBusyCpus--;
            cpu.idleSince = -1;
            cpu.genStep++;
            cpu.genRun++;
            cpu.runArmed = false;
            siblingsChanged(src);
        }
        boolean moved = false;
        for (int i = 0; i < cpu.tasks.size(); i++) {
            Task p = cpu.tasks.get(i);
            if (p.state == Task.State.RUNNABLE && p.canRunOn(dst)) {
                moved = migrate(p, dst, src, kind);
                break;
            }
        }
        policy.activeBalanceDone(src, dst, moved);
        if (cpu.curr == null) schedule(src);
    }

    private int newSlot(long x, long y) {
        Integer i = freeSlots.poll();
        if (i == null) {
            slots.add(new long[]{x, y});
            return slots.size() - 1;
        }
        slots.get(i)[0] = x;
        slots.get(i)[1] = y;
        return i;
    }

    @Override public void sendIpi(int fromCpu, int target, int code, long arg, String kind) {
        chargeBalance(fromCpu, costs.ipiSendNs, kind);
        rec.count(key("ipis.", kind), 1);
        q.schedule(now + costs.ipiLatencyNs, EV_IPI, target, newSlot(code, arg));
    }

    @Override public void callLater(int cpu, long delayNs, int code, long arg) {
        q.schedule(now + Math.max(0, delayNs), EV_IPI, cpu, newSlot(code, arg) | (1L << 40));
    }

    private void onIpi(int c, long packed) {
        boolean timer = (packed & (1L << 40)) != 0;
        int slot = (int) (packed & 0xffffffffL);
        long[] s = slots.get(slot);
        int code = (int) s[0];
        long arg = s[1];
        freeSlots.add(slot);
        Cpu cpu = cpus[c];
        if (code == -1) {
            // resched IPI for a task migrated onto an idle CPU
            cpu.ttwuPending--;
            if (cpu.curr == null && cpu.nrRunning > 0) kickIdle(c);
            return;
        }
        if (!timer && cpu.curr == null && !cpu.newidle) chargeKernel(c, costs.idleExitNs, KK_IDLE_EXIT);
        policy.ipi(c, code, arg);
        if (cpu.needResched || (cpu.curr == null && cpu.nrRunning > 0)) schedule(c);
    }

    @Override public void charge(int cpu, long ns, String kind) { chargeBalance(cpu, ns, kind); }

    @Override public void chargeScan(int acting, int target, String kind) {
        rec.count(key("rq_scans.", kind), 1);
        chargeBalance(acting, costs.statGatherNs(topo, acting, target), kind);
    }

    @Override public void chargeRemoteLock(int acting, int target, String kind) {
        rec.count(key("remote_locks.", kind), 1);
        chargeBalance(acting, costs.remoteLockNs(topo, acting, target), kind);
    }

    @Override public void chargeSharedLine(int acting, String line, String kind) {
        rec.count(key("shared_line_updates.", kind), 1);
        chargeBalance(acting, lines.update(line, acting, now), kind);
    }

    @Override public void dispatch(TaskView pv, int c) {
        Task p = (Task) pv;
        if (p.state != Task.State.HELD) throw new IllegalStateException(p + " is not held by the policy");
        if (!p.canRunOn(c)) throw new IllegalStateException("policy dispatched " + p + " to disallowed CPU " + c);
        heldTasks--;
        p.state = Task.State.WAKING;
        int flags = p.execStart == 0 && p.sumExecRuntime == 0 ? SchedPolicy.WF_FORK : SchedPolicy.WF_TTWU;
        noteMigration(p, c, "dispatch");
        enqueue(p, c, flags == SchedPolicy.WF_FORK ? ENQUEUE_INITIAL : ENQUEUE_WAKEUP);
        checkPreempt(c, p, flags, c);
    }

    @Override public void resched(int c) {
        cpus[c].needResched = true;
    }

    @Override public void count(String name, long delta) { rec.count(name, delta); }

    // =====================================================================================================
    // invariants (debug mode)
    // =====================================================================================================

    private void checkInvariants() {
        int queued = 0, busy = 0;
        for (Cpu cpu : cpus) {
            if (cpu.curr != null) {
                busy++;
                if (cpu.curr.cpu != cpu.id || cpu.curr.state != Task.State.RUNNING || !cpu.tasks.contains(cpu.curr))
                    throw new IllegalStateException("CPU " + cpu.id + " curr " + cpu.curr + " inconsistent: " + cpu.curr.state);
            }
            if (cpu.tasks.size() != cpu.nrRunning) throw new IllegalStateException("CPU " + cpu.id + " nr_running mismatch");
            long w = 0;
            for (Task t : cpu.tasks) {
                if (t.cpu != cpu.id) throw new IllegalStateException(t + " queued on " + cpu.id + " but says " + t.cpu);
                if (t.state != Task.State.RUNNABLE && t.state != Task.State.RUNNING && !t.delayed)
                    throw new IllegalStateException(t + " on runqueue " + cpu.id + " in state " + t.state);
                if (t.state == Task.State.RUNNING && cpu.curr != t)
                    throw new IllegalStateException(t + " RUNNING on " + cpu.id + " but not current");
                if (!t.canRunOn(cpu.id)) throw new IllegalStateException(t + " queued outside its affinity on " + cpu.id);
                w += t.weight;
            }
            if (w != cpu.loadWeight) throw new IllegalStateException("CPU " + cpu.id + " load weight mismatch");
            queued += cpu.nrRunning - cpu.nrDelayed;
        }
        if (queued != totalQueued || busy != nrBusyCpus) throw new IllegalStateException("machine counters mismatch");
        int live = 0, held = 0;
        for (Task t : tasks) {
            if (t == null) continue;
            live++;
            if (t.state == Task.State.HELD) held++;
            boolean onSomeRq = t.onRq;
            boolean shouldBe = t.state == Task.State.RUNNABLE || t.state == Task.State.RUNNING || t.delayed;
            if (onSomeRq != shouldBe) throw new IllegalStateException(t + " onRq=" + onSomeRq + " state=" + t.state);
        }
        if (live != liveTasks || held != heldTasks) throw new IllegalStateException("task counters mismatch");
    }

    // =====================================================================================================
    // results
    // =====================================================================================================

    public Recorder recorder() { return rec; }
    public SchedDomains schedDomains() { return sds; }

    long cpuBusyNs(int c) { return cpus[c].busyNs; }
    long cpuIdleNs(int c) { return cpus[c].idleNs; }
    long cpuOverheadNs(int c) { return cpus[c].overheadNs; }

    private final List<Long> exitedExec = new ArrayList<>();

    /** CPU time of every task measured (exited ones, then live ones). */
    long[] taskExecTimes() {
        List<Long> l = new ArrayList<>(exitedExec);
        for (Task t : tasks) if (t != null) l.add(t.sumExecRuntime);
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
