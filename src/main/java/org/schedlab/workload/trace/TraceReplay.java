package org.schedlab.workload.trace;

import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.trace.TraceModel.Item;
import org.schedlab.workload.trace.TraceModel.TaskInfo;
import org.schedlab.workload.trace.TraceModel.WakeEdge;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a causal replay of a trace: one template per task with CPU time (one instance, started at its first
 * appearance relative to the trace start), whose program is its CPU bursts as {@link Op.Run} separated by its
 * blocking points, then {@link Op.Exit}. A blocking point ended by another replayed task waits for that task to
 * reach the point of its own run where it issued the wakeup (the waker's burst is split there); when the wakee
 * was already asleep before the waker's burst began, the waker also waits for the wakee to reach that sleep, so a
 * faster replay cannot wake it early. A blocking point ended by idle, an interrupt or an unreplayed task is a
 * {@link Op.Sleep} of the recorded blocked time; one never ended ends the program. A recorded preemption is a
 * {@link Op.Yield}: the task offers the CPU where it lost it, and keeps running if nothing else waits. With 1:1
 * capacities each task's Σ Run work equals its recorded CPU time exactly.
 *
 * <p>{@code params}: {@code total_cpu_ns} (recorded CPU time of the replayed tasks), {@code trace_span_ns},
 * {@code wake_edges} (replayed task-to-task wakeups), {@code warnings}. Headline: completion time, and the run
 * ends when every task has exited.
 */
public final class TraceReplay {
    private TraceReplay() {}

    public static WorkloadSpec build(TraceModel model, ReplayOptions options) {
        ReplayOptions o = options == null ? ReplayOptions.defaults() : options;
        WorkloadSpec spec = new WorkloadSpec("trace:" + model.name());
        Map<Integer, Integer> template = new HashMap<>();
        List<TaskInfo> kept = new ArrayList<>();
        for (TaskInfo t : model.tasks()) {
            if (o.excludeComm != null && o.excludeComm.matcher(t.comm()).matches()) continue;
            template.put(t.pid, kept.size());
            kept.add(t);
        }
        Map<Integer, Integer> channel = new HashMap<>();
        for (WakeEdge e : model.edges())
            if (template.containsKey(e.wakerPid) && template.containsKey(e.wakeePid)) channel.put(e.id, channel.size());

        Set<Integer> ordered = ordered(model, kept, channel.keySet());

        List<String> warnings = new ArrayList<>(model.warnings());
        int realtime = 0;
        long total = 0;
        for (TaskInfo t : kept) {
            total += t.cpuNs();
            List<Op> ops = new ArrayList<>();
            long work = 0;
            for (Item it : t.items) {
                if (it.kind == Item.RUN) {
                    work += scale(o, it.cpu, it.ns);
                } else if (it.kind == Item.PREEMPT) {
                    if (o.yieldAtPreemptions) {
                        work = flush(ops, work);
                        ops.add(new Op.Yield());
                    }
                } else if (it.kind == Item.WAKE) {
                    Integer ch = channel.get(it.edge);
                    if (ch == null) continue;
                    work = flush(ops, work);
                    if (o.wakeMode == ReplayOptions.WakeMode.EDGE_CHANNELS) {
                        if (ordered.contains(it.edge)) ops.add(new Op.Wait(blocked(ch)));
                        ops.add(new Op.Signal(wakeup(ch), false, false));
                    } else {
                        ops.add(new Op.Resume(template.get(model.edges().get(it.edge).wakeePid)));
                    }
                } else {
                    if (!it.resolved) continue;
                    Integer ch = it.edge >= 0 ? channel.get(it.edge) : null;
                    if (ch != null) {
                        work = flush(ops, work);
                        if (o.wakeMode == ReplayOptions.WakeMode.EDGE_CHANNELS) {
                            if (ordered.contains(it.edge)) ops.add(new Op.Signal(blocked(ch), false, false));
                            ops.add(new Op.Wait(wakeup(ch)));
                        } else {
                            ops.add(new Op.Suspend());
                        }
                    } else if (it.ns > 0) {
                        work = flush(ops, work);
                        ops.add(new Op.Sleep(Dist.constant(it.ns)));
                    }
                }
            }
            flush(ops, work);
            ops.add(new Op.Exit());
            TaskTemplate tt = new TaskTemplate(t.comm(), ops.toArray(new Op[0]), 1);
            tt.startDelayNs = Math.max(0, t.firstSeenNs() - model.startNs());
            if (o.niceFromPrio && t.prio() >= 100 && t.prio() <= 139) {
                tt.nice = t.prio() - 120;
            } else if (t.prio() >= 0 && t.prio() < 100) {
                realtime++;
            }
            spec.addTemplate(tt);
        }
        if (realtime > 0) warnings.add(realtime + " real-time or deadline tasks replayed as SCHED_OTHER");
        if (o.wakeMode == ReplayOptions.WakeMode.EDGE_CHANNELS) spec.channels = 2 * channel.size();
        spec.params.put("total_cpu_ns", Long.toString(total));
        spec.params.put("trace_span_ns", Long.toString(model.endNs() - model.startNs()));
        spec.params.put("wake_edges", Integer.toString(channel.size()));
        if (!warnings.isEmpty()) spec.params.put("warnings", String.join("\n", warnings));
        spec.headline = new WorkloadSpec.Headline("completion_time", "ns", false, WorkloadSpec.HeadlineKind.COMPLETION_TIME, -1, 1.0);
        spec.endWhenAllExit = true;
        return spec;
    }

    /**
     * The wake edges whose wakee was already asleep when its waker began the burst that woke it: the waker was
     * itself blocked across the wakee's sleep, so the sleep cannot be skipped by a faster waker. The other edges
     * are races between two running tasks and are re-timed.
     */
    private static Set<Integer> ordered(TraceModel model, List<TaskInfo> kept, Set<Integer> replayed) {
        Map<Integer, Long> asleepSince = new HashMap<>();
        for (TaskInfo t : kept)
            for (Item it : t.items)
                if (it.kind == Item.BLOCK && it.resolved && it.edge >= 0) asleepSince.put(it.edge, it.since);
        Set<Integer> out = new HashSet<>();
        for (TaskInfo t : kept) {
            long burstSince = t.firstSeenNs();
            for (Item it : t.items) {
                if (it.kind == Item.BLOCK && it.resolved) {
                    burstSince = it.since >= 0 ? it.since + it.ns
                            : it.edge >= 0 ? model.edges().get(it.edge).timeNs : burstSince;
                } else if (it.kind == Item.PREEMPT && it.resolved) {
                    burstSince = it.since + it.ns;
                } else if (it.kind == Item.WAKE && replayed.contains(it.edge)) {
                    Long since = asleepSince.get(it.edge);
                    // a wakee never run before (since -1) has no recorded sleep to keep
                    if (since != null && since >= 0 && since < burstSince) out.add(it.edge);
                }
            }
        }
        return out;
    }

    /** The channel the waker signals to end the wakee's sleep. */
    static int wakeup(int edge) { return 2 * edge; }

    /** The channel the wakee signals as it goes to sleep; the waker takes it before waking it. */
    static int blocked(int edge) { return 2 * edge + 1; }

    private static long scale(ReplayOptions o, int cpu, long ns) {
        if (o.cpuCapacity == null || cpu < 0 || cpu >= o.cpuCapacity.length) return ns;
        return Math.round(ns * (o.cpuCapacity[cpu] / 1024.0));
    }

    private static long flush(List<Op> ops, long work) {
        if (work > 0) ops.add(new Op.Run(Dist.constant(work)));
        return 0;
    }
}
