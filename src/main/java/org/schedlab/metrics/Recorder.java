package org.schedlab.metrics;

import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.HashMap;
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
    /** Exact sum and number of the timed intervals of each mark (the histogram keeps 3 significant digits). */
    public double[] markSumNs = new double[0];
    public long[] markIntervals = new long[0];

    public long contextSwitches;
    /** Tasks created and tasks that exited in the measured window, whenever they were created. */
    public long tasksCreated;
    public long jobsCompleted;
    public long tasksExited;
    /** Tasks created and not yet exited when the measured window starts and when it ends. */
    public long tasksLiveAtStart, tasksLiveAtEnd;
    public long wakeups;
    private final Map<String, long[]> migrations = new HashMap<>();
    private final Map<String, long[]> migrationRefillNs = new HashMap<>();
    private final Map<String, long[]> balanceOverheadNs = new HashMap<>();
    private final Map<String, long[]> counts = new HashMap<>();
    public long idleWhileOverloadedNs;
    /** Σ min(idle CPUs, waiting tasks)·dt. */
    public long wastedCoreNs;
    /** The part of {@link #wastedCoreNs} where an idle CPU and a waiting task share an LLC (a node). */
    public long wastedCoreLlcNs, wastedCoreNodeNs;
    /** ∫ live tasks dt: the time-average number of tasks in the system times the measured time. */
    public double liveTaskNs;
    public long measureStart;
    public CpuTimeline timeline;

    private static Histogram newHistogram() {
        Histogram h = new Histogram(HIGHEST_NS, 3);
        return h;
    }

    public void marks(int n) {
        while (markLatency.size() < n) markLatency.add(newHistogram());
        markCount = new long[n];
        markSumNs = new double[n];
        markIntervals = new long[n];
    }

    public void reset(long now) {
        generation++;
        wakeupLatency.reset();
        runqueueWait.reset();
        responseTime.reset();
        for (Histogram h : markLatency) h.reset();
        java.util.Arrays.fill(markCount, 0);
        java.util.Arrays.fill(markSumNs, 0);
        java.util.Arrays.fill(markIntervals, 0);
        contextSwitches = tasksCreated = jobsCompleted = tasksExited = wakeups = 0;
        tasksLiveAtStart = tasksLiveAtEnd = 0;
        migrations.clear();
        migrationRefillNs.clear();
        balanceOverheadNs.clear();
        counts.clear();
        idleWhileOverloadedNs = 0;
        wastedCoreNs = 0;
        wastedCoreLlcNs = 0;
        wastedCoreNodeNs = 0;
        liveTaskNs = 0;
        measureStart = now;
    }

    public static void record(Histogram h, long ns) {
        h.recordValue(Math.max(0, Math.min(ns, HIGHEST_NS)));
    }

    private static void add(Map<String, long[]> m, String k, long d) {
        long[] v = m.get(k);
        if (v == null) m.put(k, v = new long[1]);
        v[0] += d;
    }

    private static Map<String, Long> sorted(Map<String, long[]> m) {
        Map<String, Long> out = new TreeMap<>();
        for (Map.Entry<String, long[]> e : m.entrySet()) out.put(e.getKey(), e.getValue()[0]);
        return out;
    }

    public void migration(String level, long refillNs) {
        add(migrations, level, 1);
        add(migrationRefillNs, level, refillNs);
    }

    public void count(String name, long delta) {
        add(counts, name, delta);
    }

    /** Incremented by every {@link #reset}: cells fetched before it no longer count. */
    public int generation() { return generation; }

    private int generation;

    /** The cell behind counter {@code name}, created at zero: for callers that add to it on a hot path. */
    public long[] countCell(String name) { return counts.computeIfAbsent(name, k -> new long[1]); }

    /** The cell behind the balancing overhead of {@code kind}, created at zero. */
    public long[] overheadCell(String kind) { return balanceOverheadNs.computeIfAbsent(kind, k -> new long[1]); }

    /** Migrations by domain level name, sorted by name. */
    public Map<String, Long> migrations() { return sorted(migrations); }
    public Map<String, Long> migrationRefillNs() { return sorted(migrationRefillNs); }
    /** Balancing overhead in ns by kind, sorted by kind. */
    public Map<String, Long> balanceOverheadNs() { return sorted(balanceOverheadNs); }
    public Map<String, Long> counts() { return sorted(counts); }
}
