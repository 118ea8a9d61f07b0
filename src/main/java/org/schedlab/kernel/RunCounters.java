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
            "ipi", "arrival", "stopper", "end", "warmup", "start", "attach", "", ""};

    private final Machine m;
    private final Recorder rec;
    private final long[] eventsByType = new long[16];
    long wakeupsSameLlc, wakeupsCrossLlc;
    private long qSizeSum, qSizeN;
    private long lastIntegrate;
    /** Per LLC (indexed by its first CPU) and per node: CPUs, busy CPUs and queued tasks. */
    private final int[] llcOf, nodeOf, llcCpus, llcBusy, llcQueued, nodeCpus, nodeBusy, nodeQueued;
    /** Σ over LLCs (nodes) of min(idle CPUs, waiting tasks) there: wasted cores fixable inside the LLC (node). */
    private long llcWasted, nodeWasted;

    RunCounters(Machine m) {
        this.m = m;
        this.rec = m.rec;
        int n = m.nrCpus;
        llcOf = new int[n];
        nodeOf = new int[n];
        llcCpus = new int[n];
        llcBusy = new int[n];
        llcQueued = new int[n];
        nodeCpus = new int[m.topo.nrNodes()];
        nodeBusy = new int[nodeCpus.length];
        nodeQueued = new int[nodeCpus.length];
        for (int c = 0; c < n; c++) {
            llcOf[c] = m.sds.llcId(c);
            nodeOf[c] = m.topo.nodeOf(c);
            llcCpus[llcOf[c]]++;
            nodeCpus[nodeOf[c]]++;
        }
    }

    private static long wasted(int cpus, int busy, int queued) {
        int idle = cpus - busy, waiting = queued - busy;
        return idle > 0 && waiting > 0 ? Math.min(idle, waiting) : 0;
    }

    /** A task joined ({@code delta} 1) or left (-1) the runqueue of {@code cpu} (what totalQueued counts). */
    void queued(int cpu, int delta) { adjust(cpu, delta, 0); }

    /** {@code cpu} started ({@code delta} 1) or stopped (-1) running a task (what nrBusyCpus counts). */
    void busy(int cpu, int delta) { adjust(cpu, 0, delta); }

    private void adjust(int cpu, int queuedDelta, int busyDelta) {
        int l = llcOf[cpu], d = nodeOf[cpu];
        llcWasted -= wasted(llcCpus[l], llcBusy[l], llcQueued[l]);
        nodeWasted -= wasted(nodeCpus[d], nodeBusy[d], nodeQueued[d]);
        llcQueued[l] += queuedDelta;
        nodeQueued[d] += queuedDelta;
        llcBusy[l] += busyDelta;
        nodeBusy[d] += busyDelta;
        llcWasted += wasted(llcCpus[l], llcBusy[l], llcQueued[l]);
        nodeWasted += wasted(nodeCpus[d], nodeBusy[d], nodeQueued[d]);
    }

    /** The per-LLC and per-node counts agree with the machine's runqueues (checked with the invariants). */
    void check() {
        int[] busy = new int[llcBusy.length], queued = new int[llcQueued.length];
        int[] nBusy = new int[nodeBusy.length], nQueued = new int[nodeQueued.length];
        for (Cpu cpu : m.cpus) {
            int b = cpu.curr != null ? 1 : 0, q = cpu.nrRunning - cpu.nrDelayed;
            busy[llcOf[cpu.id]] += b;
            queued[llcOf[cpu.id]] += q;
            nBusy[nodeOf[cpu.id]] += b;
            nQueued[nodeOf[cpu.id]] += q;
        }
        if (!java.util.Arrays.equals(busy, llcBusy) || !java.util.Arrays.equals(queued, llcQueued)
                || !java.util.Arrays.equals(nBusy, nodeBusy) || !java.util.Arrays.equals(nQueued, nodeQueued))
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
            rec.liveTaskNs += (double) m.liveTasks * dt;
            long idle = m.nrCpus - m.nrBusyCpus;
            long waiting = m.totalQueued - m.nrBusyCpus + m.heldTasks;
            if (idle > 0 && waiting > 0) {
                rec.idleWhileOverloadedNs += dt;
                rec.wastedCoreNs += Math.min(idle, waiting) * dt;
                rec.wastedCoreLlcNs += llcWasted * dt;
                rec.wastedCoreNodeNs += nodeWasted * dt;
            }
        }
        lastIntegrate = t;
    }

    /** The end of warm-up: statistics restart from now. */
    void startMeasuring() {
        for (int c = 0; c < m.nrCpus; c++) m.time.account(c);
        rec.reset(m.now);
        m.time.resetKernelNs();
        m.measuring = true;
        lastIntegrate = m.now;
        for (Task t : m.tasks) if (t != null) t.sumExecRuntime = 0;
    }

    /** Writes the counters into the recorder. */
    void publish() {
        if (qSizeN > 0) rec.count("event_queue.mean_size", qSizeSum / qSizeN);
        m.time.publishKernelNs();
        if (wakeupsSameLlc > 0) rec.count("wakeups.same_llc", wakeupsSameLlc);
        if (wakeupsCrossLlc > 0) rec.count("wakeups.cross_llc", wakeupsCrossLlc);
        for (int i = 1; i < eventsByType.length; i++)
            if (eventsByType[i] > 0) rec.count("events." + EVENT_NAMES[i], eventsByType[i]);
    }
}
