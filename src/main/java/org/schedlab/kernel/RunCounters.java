package org.schedlab.kernel;

import org.schedlab.metrics.Recorder;

/**
 * Run-wide counters that are not part of any kernel structure: events by type, mean event-queue size,
 * wakeups within and across LLCs, and the integral of idle-while-overloaded time. Published into the
 * {@link Recorder} once, at the end of the run.
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

    RunCounters(Machine m) {
        this.m = m;
        this.rec = m.rec;
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
