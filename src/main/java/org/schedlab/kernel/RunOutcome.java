package org.schedlab.kernel;

import org.schedlab.metrics.Recorder;
import org.schedlab.topology.SchedDomains;

/** The end state of a run: time accounting, conservation totals and the recorder. */
public final class RunOutcome {
    public final long simTimeNs;
    public final long events;
    public final long wallTimeMs;
    public final Recorder rec;
    public final long[] busyNs, idleNs, overheadNs;
    public final double workDemanded, workExecuted, workPending, refillDemanded;
    public final long[] taskExecNs;
    public final int liveTasks;
    public final SchedDomains domains;
    public final long measureStart;
    /** Whether the run ended because every task exited, rather than at its duration or with tasks stuck. */
    public final boolean allExited;

    RunOutcome(Machine m, long simTimeNs, long events, long wallTimeMs) {
        this.simTimeNs = simTimeNs;
        this.events = events;
        this.wallTimeMs = wallTimeMs;
        this.rec = m.rec;
        int n = m.cpus.length;
        busyNs = new long[n];
        idleNs = new long[n];
        overheadNs = new long[n];
        for (int c = 0; c < n; c++) {
            busyNs[c] = m.cpuBusyNs(c);
            idleNs[c] = m.cpuIdleNs(c);
            overheadNs[c] = m.cpuOverheadNs(c);
        }
        workDemanded = m.workDemanded;
        workExecuted = m.workExecuted;
        workPending = m.pendingWork();
        refillDemanded = m.refillDemanded;
        taskExecNs = m.taskExecTimes();
        liveTasks = m.liveTaskCount();
        domains = m.schedDomains();
        measureStart = m.rec.measureStart;
        allExited = m.allExited;
    }

    /** Jain's fairness index of per-task CPU time (1 = perfectly even). */
    public double fairnessJain() {
        double s = 0, s2 = 0;
        int k = 0;
        for (long x : taskExecNs) {
            s += x;
            s2 += (double) x * x;
            k++;
        }
        return k == 0 || s2 == 0 ? 1.0 : s * s / (k * s2);
    }
}
