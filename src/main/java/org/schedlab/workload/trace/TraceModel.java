package org.schedlab.workload.trace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scheduler trace says about its tasks: per task the CPU time, the bursts between blocking points, the
 * blocking intervals and who ended them, and the task-to-task wake edges. Only tasks that accumulated CPU time
 * are listed; pid 0 (the per-CPU idle task) never is. Times are ns on the trace clock.
 */
public final class TraceModel {
    /** A task that woke another one out of a blocking sleep. */
    public static final class WakeEdge {
        public final int id, wakerPid, wakeePid;
        public final long timeNs;
        /** From {@code sched_wakeup} (its context may be the target CPU rather than the waker). */
        public final boolean lowConfidence;
        /** From {@code sched_wakeup_new}: the waker is the parent and the wakee a new task. */
        public final boolean newTask;

        WakeEdge(int id, int wakerPid, int wakeePid, long timeNs, boolean lowConfidence, boolean newTask) {
            this.id = id;
            this.wakerPid = wakerPid;
            this.wakeePid = wakeePid;
            this.timeNs = timeNs;
            this.lowConfidence = lowConfidence;
            this.newTask = newTask;
        }

        @Override public String toString() { return wakerPid + "->" + wakeePid + "@" + timeNs; }
    }

    /** A blocking sleep of a task: from a switch-out in a sleeping state to the wakeup that ended it. */
    public static final class Blocking {
        public final long startNs;
        /** Time blocked, or -1 if nothing ended it before the trace did. */
        public final long durationNs;
        /** The wake edge that ended it, or -1 (idle, interrupt or timer, or a missing wakeup). */
        public final int edge;

        Blocking(long startNs, long durationNs, int edge) {
            this.startNs = startNs;
            this.durationNs = durationNs;
            this.edge = edge;
        }
    }

    /** One step of a task's recorded life, in order. */
    static final class Item {
        static final byte RUN = 0, WAKE = 1, BLOCK = 2, PREEMPT = 3;
        final byte kind;
        /** RUN: the CPU. PREEMPT: the CPU it was switched out of while still runnable. */
        final int cpu;
        /** RUN: ns run. BLOCK: ns blocked (0 until resolved). PREEMPT: ns runnable until switched back in. */
        long ns;
        /** WAKE: the edge issued. BLOCK: the edge that ended it, or -1. */
        int edge = -1;
        /** BLOCK: false while no wakeup or switch-in ended it. PREEMPT: false until switched back in. */
        boolean resolved;
        /** BLOCK, PREEMPT: when it began (-1 for the wait before a task's first wakeup). */
        long since = -1;
        /** PREEMPT: the task switched in in its place (0: idle, -1: unknown). */
        int by = -1;

        Item(byte kind, int cpu, long ns) {
            this.kind = kind;
            this.cpu = cpu;
            this.ns = ns;
        }
    }

    /** One task (thread) of the trace. */
    public static final class TaskInfo {
        public final int pid;
        String comm;
        int prio = -1;
        long firstSeenNs;
        long cpuNs;
        int slices, preemptions, blocks;
        boolean exited;
        final List<Item> items = new ArrayList<>();

        TaskInfo(int pid) { this.pid = pid; }

        /** The last name the trace gave this pid (after any exec). */
        public String comm() { return comm; }
        /** Kernel priority ({@code prio} field: 100..139 normal, below 100 real-time), -1 if never printed. */
        public int prio() { return prio; }
        /** First event that mentions the task. */
        public long firstSeenNs() { return firstSeenNs; }
        /** Σ of its run slices. */
        public long cpuNs() { return cpuNs; }
        public int slices() { return slices; }
        /** Switch-outs in a runnable state (preemption, yield). */
        public int preemptions() { return preemptions; }
        /** Switch-outs into a sleeping state. */
        public int blocks() { return blocks; }
        public boolean exited() { return exited; }

        /** CPU time between consecutive blocking points (preemptions do not split a burst). */
        public long[] bursts() {
            List<Long> r = new ArrayList<>();
            long acc = 0;
            boolean any = false;
            for (Item it : items) {
                if (it.kind == Item.RUN) {
                    acc += it.ns;
                    any = true;
                } else if (it.kind == Item.BLOCK && any) {
                    r.add(acc);
                    acc = 0;
                    any = false;
                }
            }
            if (any) r.add(acc);
            long[] a = new long[r.size()];
            for (int i = 0; i < a.length; i++) a[i] = r.get(i);
            return a;
        }

        /** Its blocking sleeps, in order. */
        public List<Blocking> blockings() {
            List<Blocking> r = new ArrayList<>();
            for (Item it : items)
                if (it.kind == Item.BLOCK && it.since >= 0) r.add(new Blocking(it.since, it.resolved ? it.ns : -1, it.edge));
            return r;
        }

        /** Wake edges this task issued, in order. */
        public List<Integer> wakesIssued() {
            List<Integer> r = new ArrayList<>();
            for (Item it : items) if (it.kind == Item.WAKE) r.add(it.edge);
            return r;
        }

        @Override public String toString() { return comm + "-" + pid; }
    }

    final String name;
    final List<TaskInfo> tasks;
    final Map<Integer, TaskInfo> byPid = new LinkedHashMap<>();
    final List<WakeEdge> edges;
    final long startNs, endNs;
    final int cpus;
    final long[] busyNs;
    final Map<String, Integer> eventCounts;
    final int anomalies;
    final List<String> warnings;
    final long totalCpuNs;

    TraceModel(String name, List<TaskInfo> tasks, List<WakeEdge> edges, long startNs, long endNs, int cpus,
               long[] busyNs, Map<String, Integer> eventCounts, int anomalies, List<String> warnings) {
        this.name = name;
        this.tasks = Collections.unmodifiableList(tasks);
        for (TaskInfo t : tasks) byPid.put(t.pid, t);
        this.edges = Collections.unmodifiableList(edges);
        this.startNs = startNs;
        this.endNs = endNs;
        this.cpus = cpus;
        this.busyNs = busyNs;
        this.eventCounts = Collections.unmodifiableMap(eventCounts);
        this.anomalies = anomalies;
        this.warnings = Collections.unmodifiableList(warnings);
        long total = 0;
        for (TaskInfo t : tasks) total += t.cpuNs;
        this.totalCpuNs = total;
    }

    /** File name the trace was read from. */
    public String name() { return name; }
    /** Tasks with CPU time, ordered by first appearance then pid. */
    public List<TaskInfo> tasks() { return tasks; }
    /** The task with this pid, or null if it has no CPU time in the trace. */
    public TaskInfo task(int pid) { return byPid.get(pid); }
    /** Every task-to-task wake edge, including those whose tasks are not listed. */
    public List<WakeEdge> edges() { return edges; }
    /** Σ of the CPU time of the listed tasks. */
    public long totalCpuNs() { return totalCpuNs; }
    public long startNs() { return startNs; }
    public long endNs() { return endNs; }
    /** Number of CPUs: the {@code cpus=} header or the highest CPU seen plus one. */
    public int cpus() { return cpus; }
    /** Time each CPU ran a task other than idle. */
    public long busyNs(int cpu) { return cpu >= 0 && cpu < busyNs.length ? busyNs[cpu] : 0; }
    /** Parsed lines per event name (every event, including skipped kinds). */
    public Map<String, Integer> eventCounts() { return eventCounts; }
    /** Inconsistencies repaired (context task not the one switched in, lost events, time going backwards). */
    public int anomalies() { return anomalies; }
    public List<String> warnings() { return warnings; }

    /** True if {@code waker} ended a blocking sleep of {@code wakee} at least once. */
    public boolean wakes(int waker, int wakee) {
        for (WakeEdge e : edges) if (e.wakerPid == waker && e.wakeePid == wakee) return true;
        return false;
    }
}
