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
    /** Per task, in the order of {@link #taskExecNs}: time it wanted a CPU (queued, running or held) while measured. */
    public final long[] taskCompetingNs;
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
        taskCompetingNs = m.taskCompetingTimes(simTimeNs);
        liveTasks = m.liveTaskCount();
        domains = m.schedDomains();
        measureStart = m.rec.measureStart;
        allExited = m.allExited;
    }

    /**
     * The tasks that competed for the CPUs: those that wanted a CPU (queued, running or held by the policy) for at
     * least half of the measured window. A parent asleep in wait() or a short job does not compete.
     */
    public boolean competed(int task) { return 2 * taskCompetingNs[task] >= simTimeNs - measureStart; }

    /** How many tasks competed ({@link #competed}). */
    public int competingTasks() {
        int k = 0;
        for (int i = 0; i < taskExecNs.length; i++) if (competed(i)) k++;
        return k;
    }

    /**
     * Jain's fairness index of the CPU time of the tasks that competed ({@link #competed}): 1 when they all got the
     * same, 1/n when one got everything; 1 when fewer than two competed.
     */
    public double fairnessJain() {
        double s = 0, s2 = 0;
        int k = 0;
        for (int i = 0; i < taskExecNs.length; i++) {
            if (!competed(i)) continue;
            long x = taskExecNs[i];
            s += x;
            s2 += (double) x * x;
            k++;
        }
        return k < 2 || s2 == 0 ? 1.0 : s * s / (k * s2);
    }
}
