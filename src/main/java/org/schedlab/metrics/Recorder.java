package org.schedlab.metrics;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Observes a run: latency histograms, counters, migrations per domain level, balancing overhead by kind and
 * the idle-while-overloaded integral. Never influences the simulation. {@link #reset} at the end of warm-up
 * discards what was recorded so far.
 */
public final class Recorder {
    private static final long HIGHEST_NS = 3_600_000_000_000L;

    public final Histogram wakeupLatency = newHistogram();
    public final Histogram runqueueWait = newHistogram();
    public final Histogram responseTime = newHistogram();
    public final List<Histogram> markLatency = new ArrayList<>();
    public long[] markCount = new long[0];

    public long contextSwitches;
    public long tasksCreated;
    public long jobsCompleted;
    public long tasksExited;
    public long wakeups;
    public final Map<String, Long> migrations = new TreeMap<>();
    public final Map<String, Long> migrationRefillNs = new TreeMap<>();
    public final Map<String, Long> balanceOverheadNs = new TreeMap<>();
    public final Map<String, Long> counts = new TreeMap<>();
    public long idleWhileOverloadedNs;
    /** Σ min(idle CPUs, waiting tasks)·dt. */
    public long wastedCoreNs;
    public long measureStart;
    public CpuTimeline timeline;

    private static Histogram newHistogram() {
        Histogram h = new Histogram(HIGHEST_NS, 3);
        return h;
    }

    public void marks(int n) {
        while (markLatency.size() < n) markLatency.add(newHistogram());
        markCount = new long[n];
    }

    public void reset(long now) {
        wakeupLatency.reset();
        runqueueWait.reset();
        responseTime.reset();
        for (Histogram h : markLatency) h.reset();
        java.util.Arrays.fill(markCount, 0);
        contextSwitches = tasksCreated = jobsCompleted = tasksExited = wakeups = 0;
        migrations.clear();
        migrationRefillNs.clear();
        balanceOverheadNs.clear();
        counts.clear();
        idleWhileOverloadedNs = 0;
        wastedCoreNs = 0;
        measureStart = now;
    }

    public static void record(Histogram h, long ns) {
        h.recordValue(Math.max(0, Math.min(ns, HIGHEST_NS)));
    }

    public void migration(String level, long refillNs) {
        migrations.merge(level, 1L, Long::sum);
        migrationRefillNs.merge(level, refillNs, Long::sum);
    }

    public void overhead(String kind, long ns) {
        if (ns != 0) balanceOverheadNs.merge(kind, ns, Long::sum);
    }

    public void count(String name, long delta) {
        counts.merge(name, delta, Long::sum);
    }
}
