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
import java.util.List;
import java.util.Map;

/**
 * Builds a causal replay of a trace: one template per task with CPU time (one instance, started at its first
 * appearance relative to the trace start), whose program is its CPU bursts as {@link Op.Run} separated by its
 * blocking points, then {@link Op.Exit}. A blocking point ended by another replayed task waits for that task to
 * reach the point of its own run where it issued the wakeup (the waker's burst is split there); the sleep is kept
 * when the waker gets there first: the wakee still goes to sleep at that point and the wakeup already issued ends
 * the sleep at once ({@link Op.Wait#sleeps}). A wakeup the recording shows its wakee answering at once on the
 * waker's CPU (the waker's next scheduling event is being switched out, still runnable, for that wakee) is
 * replayed onto the waker's CPU (WF_CURRENT_CPU). A blocking point ended by idle, an interrupt or an unreplayed
 * task is a {@link Op.Sleep} of the recorded blocked time; one never ended ends the program. A recorded
 * preemption is a {@link Op.Yield}: the task offers the CPU where it lost it, and keeps running if nothing else
 * waits. With 1:1 capacities each task's Σ Run work equals its recorded CPU time exactly.
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

        List<String> warnings = new ArrayList<>(model.warnings());
        int realtime = 0;
        long total = 0;
        for (TaskInfo t : kept) {
            total += t.cpuNs();
            List<Op> ops = new ArrayList<>();
            long work = 0;
            for (int i = 0; i < t.items.size(); i++) {
                Item it = t.items.get(i);
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
                        ops.add(new Op.Signal(ch, false, false, takesTheCpu(t, i, model.edges().get(it.edge).wakeePid)));
                    } else {
                        ops.add(new Op.Resume(template.get(model.edges().get(it.edge).wakeePid)));
                    }
                } else {
                    if (!it.resolved) continue;
                    Integer ch = it.edge >= 0 ? channel.get(it.edge) : null;
                    if (ch != null) {
                        work = flush(ops, work);
                        if (o.wakeMode == ReplayOptions.WakeMode.EDGE_CHANNELS) {
                            ops.add(new Op.Wait(ch, o.keepSleeps));
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
        if (o.wakeMode == ReplayOptions.WakeMode.EDGE_CHANNELS) spec.channels = channel.size();
        spec.params.put("total_cpu_ns", Long.toString(total));
        spec.params.put("trace_span_ns", Long.toString(model.endNs() - model.startNs()));
        spec.params.put("wake_edges", Integer.toString(channel.size()));
        if (!warnings.isEmpty()) spec.params.put("warnings", String.join("\n", warnings));
        spec.headline = new WorkloadSpec.Headline("completion_time", "ns", false, WorkloadSpec.HeadlineKind.COMPLETION_TIME, -1, 1.0);
        spec.endWhenAllExit = true;
        return spec;
    }

    /**
     * True when {@code t}'s next scheduling event after its wakeup at item {@code i} (its own running and further
     * wakeups aside) is being switched out, still runnable, for {@code wakee}: the wakee took the waker's CPU.
     */
    private static boolean takesTheCpu(TaskInfo t, int i, int wakee) {
        for (int k = i + 1; k < t.items.size(); k++) {
            Item it = t.items.get(k);
            if (it.kind == Item.RUN || it.kind == Item.WAKE) continue;
            return it.kind == Item.PREEMPT && it.by == wakee;
        }
        return false;
    }

    private static long scale(ReplayOptions o, int cpu, long ns) {
        if (o.cpuCapacity == null || cpu < 0 || cpu >= o.cpuCapacity.length) return ns;
        return Math.round(ns * (o.cpuCapacity[cpu] / 1024.0));
    }

    private static long flush(List<Op> ops, long work) {
        if (work > 0) ops.add(new Op.Run(Dist.constant(work)));
        return 0;
    }
}
