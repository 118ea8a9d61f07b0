package org.schedlab.workload;

import org.schedlab.engine.Rng;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A human and a machine-readable description of a {@link WorkloadSpec} ({@code schedlab workload show}).
 * The data form uses only maps, lists, strings, numbers, booleans and nulls, so any serialiser can print it.
 *
 * <p>{@code total_cpu_ns} is the CPU work the workload will ask for: the {@code params["total_cpu_ns"]} recorded by
 * the producer when there is one (trace replays), else the sum over the tasks created at start of their
 * {@link Op.Run} work and {@link Op.RunWall} durations, loops multiplied out and forked children included. It is
 * null when that is not a fixed number: an endless loop, a random amount of work, recursive forks or open arrivals.
 */
public final class WorkloadSummary {
    private WorkloadSummary() {}

    /** Ops shown per program in the text form before the rest is elided. */
    static final int TEXT_OPS = 24;

    /** The data form: name, tasks, templates, total_cpu_ns, headline, objects, params. */
    public static Map<String, Object> data(WorkloadSpec spec) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", spec.name);
        long tasks = 0;
        for (TaskTemplate t : spec.templates) tasks += t.instances;
        m.put("tasks", tasks);
        List<Object> templates = new ArrayList<>();
        for (int i = 0; i < spec.templates.size(); i++) {
            TaskTemplate t = spec.templates.get(i);
            Map<String, Object> tm = new LinkedHashMap<>();
            tm.put("comm", t.comm);
            tm.put("instances", t.instances);
            tm.put("nice", t.nice);
            tm.put("allowed", t.allowed == null ? null : t.allowed.toString());
            tm.put("start_delay_ns", t.startDelayNs);
            tm.put("ops", t.program.length);
            tm.put("program", program(spec, t, Integer.MAX_VALUE));
            tm.put("cpu_ns", work(spec, i, new HashSet<>()));
            templates.add(tm);
        }
        m.put("templates", templates);
        m.put("total_cpu_ns", totalCpuNs(spec));
        if (spec.headline != null) {
            Map<String, Object> h = new LinkedHashMap<>();
            h.put("metric", spec.headline.metric);
            h.put("unit", spec.headline.unit);
            h.put("higher_is_better", spec.headline.higherIsBetter);
            h.put("kind", spec.headline.kind.name());
            m.put("headline", h);
        } else {
            m.put("headline", null);
        }
        Map<String, Object> objects = new LinkedHashMap<>();
        objects.put("channels", spec.channels);
        objects.put("mutexes", spec.mutexes);
        objects.put("conds", spec.conds);
        objects.put("timers", spec.timers);
        List<Object> parties = new ArrayList<>();
        for (int p : spec.barrierParties) parties.add(p);
        objects.put("barrier_parties", parties);
        m.put("objects", objects);
        m.put("arrivals", spec.arrivals != null);
        m.put("end_when_all_exit", spec.endWhenAllExit);
        m.put("params", new LinkedHashMap<>(spec.params));
        return m;
    }

    /** The text form, one template per line, followed by the warnings recorded in {@code params["warnings"]}. */
    public static String text(WorkloadSpec spec) {
        StringBuilder sb = new StringBuilder();
        long tasks = 0;
        for (TaskTemplate t : spec.templates) tasks += t.instances;
        Long total = totalCpuNs(spec);
        sb.append("workload ").append(spec.name).append(": ").append(spec.templates.size()).append(" templates, ")
                .append(tasks).append(" tasks at start, CPU work ")
                .append(total == null ? "unbounded or random" : fmtNs(total)).append('\n');
        if (spec.headline != null)
            sb.append("headline: ").append(spec.headline.metric).append(" (").append(spec.headline.unit).append(", ")
                    .append(spec.headline.higherIsBetter ? "higher" : "lower").append(" is better)\n");
        sb.append("objects: ").append(spec.mutexes).append(" mutexes, ").append(spec.conds).append(" conds, ")
                .append(spec.channels).append(" channels, ").append(spec.timers).append(" timers, ")
                .append(spec.barrierParties.length).append(" barriers\n");
        for (Map.Entry<String, String> p : spec.params.entrySet())
            if (!p.getKey().equals("warnings")) sb.append(p.getKey()).append(" = ").append(p.getValue()).append('\n');
        int w = 4;
        for (TaskTemplate t : spec.templates) w = Math.max(w, t.comm.length());
        for (TaskTemplate t : spec.templates) {
            sb.append("  ").append(t.comm);
            for (int i = t.comm.length(); i < w; i++) sb.append(' ');
            sb.append("  x").append(t.instances).append("  nice ").append(t.nice)
                    .append("  cpus ").append(t.allowed == null ? "all" : t.allowed.toString());
            if (t.startDelayNs > 0) sb.append("  delay ").append(fmtNs(t.startDelayNs));
            sb.append("  : ").append(program(spec, t, TEXT_OPS)).append('\n');
        }
        String warnings = spec.params.get("warnings");
        if (warnings != null && !warnings.isEmpty()) {
            sb.append("warnings:\n");
            for (String line : warnings.split("\n")) sb.append("  ").append(line).append('\n');
        }
        return sb.toString();
    }

    /** Sum of the CPU work of the tasks created at start; null when not a fixed number. */
    public static Long totalCpuNs(WorkloadSpec spec) {
        String recorded = spec.params.get("total_cpu_ns");
        if (recorded != null) {
            try {
                return Long.parseLong(recorded.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        if (spec.arrivals != null) return null;
        double total = 0;
        for (int i = 0; i < spec.templates.size(); i++) {
            TaskTemplate t = spec.templates.get(i);
            if (t.instances == 0) continue;
            Long w = work(spec, i, new HashSet<>());
            if (w == null) return null;
            total += (double) w * t.instances;
        }
        return total > Long.MAX_VALUE ? null : (long) total;
    }

    /** Work of one task of template {@code index} including what it forks; null if not fixed. */
    private static Long work(WorkloadSpec spec, int index, Set<Integer> visiting) {
        if (!visiting.add(index)) return null;
        Op[] p = spec.templates.get(index).program;
        double total = 0;
        List<Double> mult = new ArrayList<>();
        double m = 1;
        for (Op op : p) {
            if (op instanceof Op.LoopBegin) {
                int c = ((Op.LoopBegin) op).count;
                if (c < 0) return null;
                mult.add(m);
                m *= c;
            } else if (op instanceof Op.LoopEnd) {
                if (!mult.isEmpty()) m = mult.remove(mult.size() - 1);
            } else if (op instanceof Op.Run || op instanceof Op.RunWall) {
                Dist d = op instanceof Op.Run ? ((Op.Run) op).work : ((Op.RunWall) op).duration;
                Long c = constantNs(d);
                if (c == null) return null;
                total += m * c;
            } else if (op instanceof Op.Fork) {
                Op.Fork f = (Op.Fork) op;
                if (f.template < 0 || f.template >= spec.templates.size()) return null;
                Long child = work(spec, f.template, visiting);
                if (child == null) return null;
                total += m * f.count * child;
            }
        }
        visiting.remove(index);
        return total > Long.MAX_VALUE ? null : (long) total;
    }

    /** The value of a distribution that always yields the same number, else null. */
    static Long constantNs(Dist d) {
        long a = d.sample(new Rng(1)), b = d.sample(new Rng(2)), c = d.sample(new Rng(3));
        return a == b && b == c && d.mean() == a ? a : null;
    }

    /** The program in brief: ops joined by commas, loops as {@code loop n { ... }}. */
    public static String program(WorkloadSpec spec, TaskTemplate t, int maxOps) {
        StringBuilder sb = new StringBuilder();
        int shown = 0;
        boolean first = true;
        for (Op op : t.program) {
            if (shown == maxOps) {
                sb.append(" ... (").append(t.program.length - shown).append(" more ops)");
                break;
            }
            shown++;
            if (op instanceof Op.LoopEnd) {
                sb.append(" }");
                first = false;
                continue;
            }
            if (!first && sb.charAt(sb.length() - 1) != '{') sb.append(',');
            if (!first) sb.append(' ');
            first = false;
            sb.append(brief(spec, op));
        }
        return sb.toString();
    }

    static String brief(WorkloadSpec spec, Op op) {
        if (op instanceof Op.Run) return "run " + dist(((Op.Run) op).work);
        if (op instanceof Op.RunWall) return "runtime " + dist(((Op.RunWall) op).duration);
        if (op instanceof Op.Sleep) return "sleep " + dist(((Op.Sleep) op).duration);
        if (op instanceof Op.Timer) {
            Op.Timer t = (Op.Timer) op;
            return "timer#" + t.timer + " " + fmtNs(t.periodNs) + (t.absolute ? " abs" : "");
        }
        if (op instanceof Op.LoopBegin) {
            int c = ((Op.LoopBegin) op).count;
            return (c < 0 ? "forever" : "loop " + c) + " {";
        }
        if (op instanceof Op.Resume) return "resume " + comm(spec, ((Op.Resume) op).target);
        if (op instanceof Op.Fork) {
            Op.Fork f = (Op.Fork) op;
            return "fork " + comm(spec, f.template) + (f.count != 1 ? " x" + f.count : "");
        }
        if (op instanceof Op.Barrier) {
            int b = ((Op.Barrier) op).barrier;
            return "barrier b" + b + (b >= 0 && b < spec.barrierParties.length ? "/" + spec.barrierParties[b] : "");
        }
        return op.toString();
    }

    private static String comm(WorkloadSpec spec, int template) {
        return template >= 0 && template < spec.templates.size() ? spec.templates.get(template).comm : "t" + template;
    }

    private static String dist(Dist d) {
        Long c = constantNs(d);
        return c != null ? fmtNs(c) : d.toString();
    }

    /** ns in the largest unit that keeps it whole: 6ms, 275us, 1500ns. */
    public static String fmtNs(long ns) {
        if (ns != 0 && ns % 1_000_000_000L == 0) return ns / 1_000_000_000L + "s";
        if (ns != 0 && ns % 1_000_000L == 0) return ns / 1_000_000L + "ms";
        if (ns != 0 && ns % 1_000L == 0) return ns / 1_000L + "us";
        return ns + "ns";
    }
}
