package org.schedlab.workload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Everything the machine needs to run a workload: task templates, the synchronisation objects they share,
 * an optional open arrival process, the measurement points and the headline metric.
 */
public final class WorkloadSpec {
    /** How the headline number is computed from a run. */
    public enum HeadlineKind {
        /** Simulated time until every task exited. */
        COMPLETION_TIME,
        /** Marks completed per second of measured time for {@link Headline#mark}. */
        RATE,
        /** A latency percentile of {@link Headline#mark}. */
        LATENCY_P99,
        LATENCY_MEAN,
        /** Useful CPU work done per second (ref-ns per ns), e.g. stream bandwidth proxies. */
        WORK_RATE,
        /** Mean response time of jobs (arrival to exit). */
        RESPONSE_MEAN
    }

    /** The number a benchmark reports: its name, unit and direction. */
    public static final class Headline {
        public final String metric, unit;
        public final boolean higherIsBetter;
        public final HeadlineKind kind;
        public final int mark;
        /** Multiplier applied to the raw value (e.g. bytes per unit of work for bandwidth). */
        public final double scale;
        /**
         * The number exists only once every task has exited (an elapsed time): a run stopped by its duration
         * before then has no value. True for {@link HeadlineKind#COMPLETION_TIME} unless said otherwise.
         */
        public final boolean untilExit;

        public Headline(String metric, String unit, boolean higherIsBetter, HeadlineKind kind, int mark, double scale) {
            this(metric, unit, higherIsBetter, kind, mark, scale, kind == HeadlineKind.COMPLETION_TIME);
        }

        public Headline(String metric, String unit, boolean higherIsBetter, HeadlineKind kind, int mark, double scale,
                        boolean untilExit) {
            this.metric = metric;
            this.unit = unit;
            this.higherIsBetter = higherIsBetter;
            this.kind = kind;
            this.mark = mark;
            this.scale = scale;
            this.untilExit = untilExit;
        }
    }

    /** Open arrivals: each arrival creates one task from {@link #template}. */
    public static final class Arrivals {
        public final Dist interarrival;
        public final int template;
        public Arrivals(Dist interarrival, int template) { this.interarrival = interarrival; this.template = template; }
    }

    public final String name;
    public final Map<String, String> params = new LinkedHashMap<>();
    public final List<TaskTemplate> templates = new ArrayList<>();
    public int channels, mutexes, conds, timers;
    /** Parties of each barrier. */
    public int[] barrierParties = new int[0];
    /** Bounded buffers ({@link Op.BufferReserve}): slots, the level at or below which a release wakes writers, and whether it wakes all of them or one. */
    public int[] bufferCapacity = new int[0], bufferWakeLevel = new int[0];
    public boolean[] bufferWakeAll = new boolean[0];
    /** Buffers with a mutex held around each operation on them ({@link Op.BufferLock}): a pipe's pipe->mutex. */
    public boolean[] bufferLocked = new boolean[0];
    /** Names of measurement points used by {@link Op.Mark}. */
    public final List<String> marks = new ArrayList<>();
    public Arrivals arrivals;
    public Headline headline;
    /** Stop the run as soon as every task has exited (completion-time benchmarks). */
    public boolean endWhenAllExit;

    /** Whether the headline needs the run to end with every task exited ({@link Headline#untilExit}). */
    public boolean measuredToCompletion() { return endWhenAllExit && headline != null && headline.untilExit; }
    /** Statistics recorded before this time are discarded. */
    public long warmupNs;
    /** How long the program takes to create its tasks (an estimate from its fork gaps; 0 if all start at once). */
    public long startupNs;

    public WorkloadSpec(String name) { this.name = name; }

    public int addTemplate(TaskTemplate t) {
        templates.add(t);
        return templates.size() - 1;
    }

    /** Every task of the workload is a process of its own ({@link TaskTemplate#ownAddressSpace}). */
    public WorkloadSpec processes() {
        for (TaskTemplate t : templates) t.ownAddressSpace = true;
        return this;
    }

    /** Adds a mutex; returns its id. */
    public int addMutex() { return mutexes++; }

    /** Adds a bounded buffer of {@code capacity} slots (see {@link #bufferCapacity}); returns its id. */
    public int addBuffer(int capacity, int wakeLevel, boolean wakeAll) {
        return addBuffer(capacity, wakeLevel, wakeAll, false);
    }

    /** As {@link #addBuffer(int, int, boolean)}, with a mutex held around each operation if {@code locked}. */
    public int addBuffer(int capacity, int wakeLevel, boolean wakeAll, boolean locked) {
        if (capacity < 1 || wakeLevel < 0 || wakeLevel >= capacity)
            throw new IllegalArgumentException("buffer of " + capacity + " slots waking at " + wakeLevel);
        int n = bufferCapacity.length;
        bufferCapacity = Arrays.copyOf(bufferCapacity, n + 1);
        bufferWakeLevel = Arrays.copyOf(bufferWakeLevel, n + 1);
        bufferWakeAll = Arrays.copyOf(bufferWakeAll, n + 1);
        bufferLocked = Arrays.copyOf(bufferLocked, n + 1);
        bufferLocked[n] = locked;
        bufferCapacity[n] = capacity;
        bufferWakeLevel[n] = wakeLevel;
        bufferWakeAll[n] = wakeAll;
        return n;
    }

    public int mark(String name) {
        int i = marks.indexOf(name);
        if (i >= 0) return i;
        marks.add(name);
        return marks.size() - 1;
    }
}
