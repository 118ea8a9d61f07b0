package org.schedlab.kernel;

import org.schedlab.metrics.Recorder;

/**
 * Run-wide counters that are not part of any kernel structure: events by type, mean event-queue size,
 * wakeups within and across LLCs, and the integral of idle-while-overloaded time, also split by where the idle
 * CPU and the waiting task are (same LLC, same node). Published into the {@link Recorder} once, at the end of
 * the run.
 */
final class RunCounters {
    private static final String[] EVENT_NAMES = {"", "step", "run_done", "tick", "timer", "wake_arrive", "resched",
            "ipi", "arrival", "stopper", "end", "warmup", "start", "attach", "idle_exit", "mutex_wake", "boost"};

    private final Machine m;
    private final long[] eventsByType = new long[EVENT_NAMES.length];
    long wakeupsSameLlc, wakeupsCrossLlc;
    private long qSizeSum, qSizeN;
    private long lastIntegrate;
    private final int[] llcOf, nodeOf;
    /** Per CPU: tasks on its runqueue (the running one included) and whether it runs one. */
    private final int[] cpuQueued;
    private final boolean[] cpuBusy;
    /**
     * Idle CPUs and waiting tasks, per LLC (indexed by its first CPU), per node and machine-wide. A CPU is idle when
     * nothing runs on it and nothing is on its runqueue (the nr_running part of idle_cpu()); a task waits when it is queued behind another
     * one. A task enqueued on an idle CPU that is being woken for it (the resched IPI on its way) makes that CPU
     * busy-to-be, not idle, and is not waiting: it runs as soon as the CPU is through the IPI.
     */
    private final int[] llcIdle, llcWaiting, nodeIdle, nodeWaiting;
    private int idleCpus, waitingTasks;
    /** Σ over LLCs (nodes) of min(idle CPUs, waiting tasks) there: wasted cores fixable inside the LLC (node). */
    private long llcWasted, nodeWasted;

    RunCounters(Machine m) {
        this.m = m;
        int n = m.nrCpus;
        llcOf = new int[n];
        nodeOf = new int[n];
        cpuQueued = new int[n];
        cpuBusy = new boolean[n];
        llcIdle = new int[n];
        llcWaiting = new int[n];
        nodeIdle = new int[m.topo.nrNodes()];
        nodeWaiting = new int[nodeIdle.length];
        for (int c = 0; c < n; c++) {
            llcOf[c] = m.sds.llcId(c);
            nodeOf[c] = m.topo.nodeOf(c);
            llcIdle[llcOf[c]]++;
            nodeIdle[nodeOf[c]]++;
        }
        idleCpus = n;
    }

    private static boolean idle(boolean busy, int queued) { return !busy && queued == 0; }

    private static int waiting(int queued) { return Math.max(0, queued - 1); }

    /** A task joined ({@code delta} 1) or left (-1) the runqueue of {@code cpu} (what totalQueued counts). */
    void queued(int cpu, int delta) { adjust(cpu, delta, 0); }

    /** {@code cpu} started ({@code delta} 1) or stopped (-1) running a task (what nrBusyCpus counts). */
    void busy(int cpu, int delta) { adjust(cpu, 0, delta); }

    private void adjust(int cpu, int queuedDelta, int busyDelta) {
        int l = llcOf[cpu], d = nodeOf[cpu];
        llcWasted -= Math.min(llcIdle[l], llcWaiting[l]);
        nodeWasted -= Math.min(nodeIdle[d], nodeWaiting[d]);
        int idleBefore = idle(cpuBusy[cpu], cpuQueued[cpu]) ? 1 : 0, waitingBefore = waiting(cpuQueued[cpu]);
        cpuQueued[cpu] += queuedDelta;
        if (busyDelta != 0) cpuBusy[cpu] = busyDelta > 0;
        int dIdle = (idle(cpuBusy[cpu], cpuQueued[cpu]) ? 1 : 0) - idleBefore;
        int dWaiting = waiting(cpuQueued[cpu]) - waitingBefore;
        llcIdle[l] += dIdle;
        nodeIdle[d] += dIdle;
        idleCpus += dIdle;
        llcWaiting[l] += dWaiting;
        nodeWaiting[d] += dWaiting;
        waitingTasks += dWaiting;
        llcWasted += Math.min(llcIdle[l], llcWaiting[l]);
        nodeWasted += Math.min(nodeIdle[d], nodeWaiting[d]);
    }

    /** The per-CPU, per-LLC and per-node counts agree with the machine's runqueues (checked with the invariants). */
    void check() {
        int[] idle = new int[llcIdle.length], waiting = new int[llcWaiting.length];
        int[] nIdle = new int[nodeIdle.length], nWaiting = new int[nodeWaiting.length];
        for (Cpu cpu : m.cpus) {
            int q = cpu.nrRunning - cpu.nrDelayed;
            boolean b = cpu.curr != null;
            if (q != cpuQueued[cpu.id] || b != cpuBusy[cpu.id])
                throw new IllegalStateException("CPU " + cpu.id + " queued/busy counters mismatch");
            int i = idle(b, q) ? 1 : 0, w = waiting(q);
            idle[llcOf[cpu.id]] += i;
            waiting[llcOf[cpu.id]] += w;
            nIdle[nodeOf[cpu.id]] += i;
            nWaiting[nodeOf[cpu.id]] += w;
        }
        if (!java.util.Arrays.equals(idle, llcIdle) || !java.util.Arrays.equals(waiting, llcWaiting)
                || !java.util.Arrays.equals(nIdle, nodeIdle) || !java.util.Arrays.equals(nWaiting, nodeWaiting))
            throw new IllegalStateException("per-LLC or per-node counters mismatch");
    }

    /** Counts one popped event; samples the queue size every 1024 events. */
    void event(int type, long events) {
        eventsByType[type]++;
        if ((events & 1023) == 0) { qSizeSum += m.q.size(); qSizeN++; }
    }

    /** Integrates live tasks and idle-while-overloaded time up to {@code t} (while measuring). */
    void integrate(long t) {
        if (!m.measuring) {
            lastIntegrate = t;
            return;
        }
        long dt = t - lastIntegrate;
        if (dt > 0) {
            m.rec.liveTaskNs += (double) m.liveTasks * dt;
            long idle = idleCpus;
            long waiting = waitingTasks + m.heldTasks;
            if (idle > 0 && waiting > 0) {
                m.rec.idleWhileOverloadedNs += dt;
                m.rec.wastedCoreNs += Math.min(idle, waiting) * dt;
                m.rec.wastedCoreLlcNs += llcWasted * dt;
                m.rec.wastedCoreNodeNs += nodeWasted * dt;
            }
        }
        lastIntegrate = t;
    }

    /** The end of warm-up: statistics restart from now. */
    void startMeasuring() {
        for (int c = 0; c < m.nrCpus; c++) m.time.account(c);
        m.rec.reset(m.now);
        m.rec.tasksLiveAtStart = m.liveTasks;
        m.time.resetKernelNs();
        m.measuring = true;
        lastIntegrate = m.now;
        for (Task t : m.tasks) {
            if (t == null) continue;
            t.sumExecRuntime = 0;
            t.competingNs = 0;
            if (t.competingFrom >= 0) t.competingFrom = m.now;
        }
    }

    /** Writes the counters into the recorder. */
    void publish() {
        if (qSizeN > 0) m.rec.count("event_queue.mean_size", qSizeSum / qSizeN);
        m.time.publishKernelNs();
        if (wakeupsSameLlc > 0) m.rec.count("wakeups.same_llc", wakeupsSameLlc);
        if (wakeupsCrossLlc > 0) m.rec.count("wakeups.cross_llc", wakeupsCrossLlc);
        for (int i = 1; i < eventsByType.length; i++)
            if (eventsByType[i] > 0) m.rec.count("events." + EVENT_NAMES[i], eventsByType[i]);
    }
}
