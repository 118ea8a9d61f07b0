package org.schedlab.workload.trace;

import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.trace.TraceModel.Item;
import org.schedlab.workload.trace.TraceModel.TaskInfo;
import org.schedlab.workload.trace.TraceModel.WakeEdge;

import org.schedlab.InputFiles;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a scheduler trace in ftrace text form (kernel {@code trace} file or {@code trace-cmd report}, with or
 * without the irq-flags column, raw or pretty payloads) or {@code perf sched script} output, and rebuilds each
 * task's timeline from {@code sched_switch}, {@code sched_waking}, {@code sched_wakeup}, {@code sched_wakeup_new},
 * {@code sched_migrate_task}, {@code sched_process_fork/exec/exit}. Other events, comments and trace-cmd headers
 * are skipped; lines that follow a {@code print}/{@code bprint} event and do not parse are taken as the rest of
 * its message.
 *
 * <p>Rules: a run slice goes from switch-in to the next switch-out on the same CPU (a task already running when
 * its CPU's first event appears runs from that event; one still running at the end runs to the last scheduler event).
 * A switch-out in a sleeping state blocks the task until the first wakeup for it; the task current on the CPU
 * that emitted that wakeup is the waker, unless it is idle (pid 0) or the event fired in hard/soft-irq or NMI
 * context. {@code prev_state} is decoded as in the kernel headers: letters (R and R+ runnable, X/Z/x dead, others
 * sleeping) or numbers, whose encoding is pre-4.14 when any value is at least 1024 (preemption marker = the
 * largest such single bit), else 4.14+ (preemption marker 256).
 *
 * <p>Errors are {@link WorkloadException}s with one line {@code <file>:<line>: <text>: expected <what>}; a last
 * line without its newline is refused as a truncated file.
 */
public final class TraceReader {
    private TraceReader() {}

    private static final Pattern VERSION = Pattern.compile("version\\s*=\\s*\\d+");
    private static final Pattern EMPTY_CPU = Pattern.compile("CPU\\s*\\d+ is empty");
    private static final Pattern CPUS = Pattern.compile("cpus=(\\d{1,6})");
    private static final Pattern LOST = Pattern.compile("CPU:\\s*(\\d{1,6})\\s*\\[LOST\\s*(\\d+)?\\s*EVENTS?\\]");
    private static final String LOST_EVENT = "#lost";

    /** The largest trace file read. */
    public static final long MAX_BYTES = InputFiles.GiB;
    /** The longest line read (a trace_marker write is at most 4 KiB). */
    public static final int MAX_LINE = 64 * 1024;

    /** Reads a trace file; one with no task that runs is refused. */
    public static TraceModel read(Path file) {
        Path name = file.getFileName();
        TraceModel m;
        try (InputStream in = InputFiles.open(file, "a trace", MAX_BYTES)) {
            m = parse(file.toString(), name == null ? file.toString() : name.toString(), in);
        } catch (IOException e) {
            throw new WorkloadException(file + ": cannot read trace: " + e.getMessage());
        }
        if (m.tasks().isEmpty())
            throw new WorkloadException(file + ": no task runs in this trace; expected sched_switch events of a "
                    + "recording (perf sched record, or ftrace with the sched events on)");
        return m;
    }

    /** Reads trace content; {@code where} prefixes error messages, {@code name} names the model. */
    public static TraceModel parse(String where, String name, byte[] content) {
        return parse(where, name, new ByteArrayInputStream(content));
    }

    /** Reads trace content line by line, each at most {@link #MAX_LINE} bytes. */
    static TraceModel parse(String where, String name, InputStream content) {
        List<EventLine> events = new ArrayList<>();
        Map<String, Integer> counts = new LinkedHashMap<>();
        int headerCpus = 0;
        boolean continuation = false;
        InputFiles.Lines lines = new InputFiles.Lines(content, where, MAX_LINE);
        for (String raw = lines.next(); raw != null; raw = lines.next()) {
            int lineNo = lines.lineNo();
            if (lineNo == 1 && raw.startsWith("\uFEFF")) raw = raw.substring(1);
            String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
            String t = line.trim();
            if (t.isEmpty()) continue;
            if (!lines.complete()) throw bad(where, lineNo, t, "a complete line ending with a newline (the file looks truncated)");
            if (t.startsWith("#") || VERSION.matcher(t).matches() || EMPTY_CPU.matcher(t).matches()) continue;
            Matcher m = CPUS.matcher(t);
            if (m.matches()) {
                headerCpus = Integer.parseInt(m.group(1));
                continue;
            }
            m = LOST.matcher(t);
            if (m.matches()) {
                EventLine lost = new EventLine();
                lost.event = LOST_EVENT;
                lost.cpu = Integer.parseInt(m.group(1));
                events.add(lost);
                continuation = false;
                continue;
            }
            EventLine e;
            try {
                e = EventLine.head(line);
            } catch (EventLine.Bad b) {
                if (continuation) continue;
                throw bad(where, lineNo, t, b.expected);
            }
            try {
                e.fields();
            } catch (EventLine.Bad b) {
                throw bad(where, lineNo, t, b.expected);
            }
            continuation = e.event.equals("print") || e.event.equals("bprint") || e.event.equals("bputs");
            counts.merge(e.event, 1, Integer::sum);
            if (isSched(e.event)) {
                events.add(e);
            }
        }
        return new Rebuild(name, events, headerCpus, counts).run();
    }

    static boolean isSched(String ev) {
        switch (ev) {
            case "sched_switch": case "sched_wakeup": case "sched_waking": case "sched_wakeup_new":
            case "sched_migrate_task": case "sched_process_fork": case "sched_process_exec": case "sched_process_exit":
                return true;
            default:
                return false;
        }
    }

    static WorkloadException bad(String where, int line, String text, String expected) {
        String shown = text.length() > 80 ? text.substring(0, 77) + "..." : text;
        shown = shown.replaceAll("[\\p{Cntrl}]", " ");
        return new WorkloadException(where + ":" + line + ": " + shown + ": expected " + expected);
    }

    /** How a switch-out leaves the previous task. */
    enum Leave { RUNNABLE, BLOCKED, DEAD }

    /** Decoder of {@code prev_state} for one file (the numeric encoding depends on the values present). */
    static final class StateDecoder {
        final boolean pre414;
        final long marker;

        StateDecoder(List<EventLine> events) {
            long maxSingle = 0, maxAny = 0;
            for (EventLine e : events) {
                if (!"sched_switch".equals(e.event) || !numeric(e.prevState)) continue;
                long v = Long.parseLong(e.prevState);
                if (v >= 1024) {
                    maxAny = Math.max(maxAny, v);
                    if (Long.bitCount(v) == 1) maxSingle = Math.max(maxSingle, v);
                }
            }
            pre414 = maxAny > 0;
            marker = !pre414 ? 256 : maxSingle > 0 ? maxSingle : Long.highestOneBit(maxAny);
        }

        static boolean numeric(String s) {
            if (s.isEmpty()) return false;
            for (int i = 0; i < s.length(); i++) if (!EventLine.isDigit(s.charAt(i))) return false;
            return true;
        }

        Leave decode(String s) {
            if (numeric(s)) {
                long v = Long.parseLong(s);
                if (v == 0 || v == marker) return Leave.RUNNABLE;
                if ((v & 0x30) != 0 || (pre414 && (v & 0x40) != 0)) return Leave.DEAD;
                return Leave.BLOCKED;
            }
            if (s.endsWith("+")) return Leave.RUNNABLE;
            if (s.equals("R")) return Leave.RUNNABLE;
            if (s.indexOf('X') >= 0 || s.indexOf('Z') >= 0 || s.indexOf('x') >= 0) return Leave.DEAD;
            return Leave.BLOCKED;
        }
    }

    /** The timeline reconstruction over the parsed scheduler events, in file order. */
    private static final class Rebuild {
        enum St { UNKNOWN, RUNNING, RUNNABLE, BLOCKED, DEAD }

        final String name;
        final List<EventLine> events;
        final Map<String, Integer> counts;
        final StateDecoder decoder;
        final Map<Integer, TaskInfo> tasks = new HashMap<>();
        final Map<Integer, St> state = new HashMap<>();
        final Map<Integer, Long> blockSince = new HashMap<>();
        final Map<Integer, Item> pendingBlock = new HashMap<>();
        final Map<Integer, Integer> runningOn = new HashMap<>();
        final List<WakeEdge> edges = new ArrayList<>();
        final List<String> warnings = new ArrayList<>();
        int[] curr = new int[0];
        long[] since = new long[0], sliceStart = new long[0], busy = new long[0];
        int cpus, anomalies, skew;
        long start = Long.MAX_VALUE, end = Long.MIN_VALUE;

        Rebuild(String name, List<EventLine> events, int headerCpus, Map<String, Integer> counts) {
            this.name = name;
            this.events = events;
            this.counts = counts;
            this.cpus = headerCpus;
            this.decoder = new StateDecoder(events);
        }

        TraceModel run() {
            for (EventLine e : events) {
                if (!e.event.equals(LOST_EVENT)) {
                    start = Math.min(start, e.ts);
                    end = Math.max(end, e.ts);
                }
                cpu(e.cpu);
                switch (e.event) {
                    case LOST_EVENT: lost(e.cpu); break;
                    case "sched_switch": sw(e); break;
                    case "sched_waking": wake(e, false, false); break;
                    case "sched_wakeup": wake(e, true, false); break;
                    case "sched_wakeup_new": wake(e, true, true); break;
                    case "sched_process_fork": fork(e); break;
                    case "sched_process_exec": current(e.cpu, e.ts, e.pid); name(e.tPid, e.tComm, -1); break;
                    case "sched_process_exit": current(e.cpu, e.ts, e.pid); task(e.tPid, e.ts).exited = true; break;
                    default: current(e.cpu, e.ts, e.pid);
                }
            }
            if (start == Long.MAX_VALUE) start = end = 0;
            for (int c = 0; c < curr.length; c++) {
                if (curr[c] > 0) {
                    TaskInfo t = tasks.get(curr[c]);
                    run(t, c, end);
                    closeSlice(t, c, end);
                }
            }
            List<TaskInfo> counted = new ArrayList<>();
            for (TaskInfo t : tasks.values()) if (t.pid > 0 && t.cpuNs > 0) counted.add(t);
            counted.sort(Comparator.comparingLong((TaskInfo t) -> t.firstSeenNs).thenComparingInt(t -> t.pid));
            if (anomalies > 0) warnings.add(anomalies + " inconsistencies repaired (lost events or a context task that was never switched in)");
            if (skew > 0) warnings.add(skew + " intervals with time going backwards counted as 0");
            return new TraceModel(name, counted, edges, start, end, cpus, Arrays.copyOf(busy, cpus), counts, anomalies + skew, warnings);
        }

        void cpu(int c) {
            cpus = Math.max(cpus, c + 1);
            if (c < curr.length) return;
            int n = Math.max(c + 1, curr.length * 2);
            int old = curr.length;
            curr = Arrays.copyOf(curr, n);
            Arrays.fill(curr, old, n, -1);
            since = Arrays.copyOf(since, n);
            sliceStart = Arrays.copyOf(sliceStart, n);
            busy = Arrays.copyOf(busy, n);
        }

        TaskInfo task(int pid, long ts) {
            TaskInfo t = tasks.get(pid);
            if (t == null) {
                t = new TaskInfo(pid);
                t.firstSeenNs = ts;
                t.comm = pid == 0 ? "swapper" : "<" + pid + ">";
                tasks.put(pid, t);
                state.put(pid, St.UNKNOWN);
            }
            return t;
        }

        void name(int pid, String comm, int prio) {
            TaskInfo t = tasks.get(pid);
            if (t == null) return;
            if (comm != null && !comm.isEmpty() && !comm.equals("<...>") && !comm.equals("<idle>")) t.comm = comm;
            if (prio >= 0) t.prio = prio;
        }

        long span(long from, long to) {
            if (to < from) {
                skew++;
                return 0;
            }
            return to - from;
        }

        /** Credits {@code t} with its running time on {@code c} up to {@code ts}. */
        void run(TaskInfo t, int c, long ts) {
            long piece = span(since[c], ts);
            since[c] = ts;
            if (piece == 0) return;
            t.cpuNs += piece;
            t.items.add(new Item(Item.RUN, c, piece));
        }

        void closeSlice(TaskInfo t, int c, long ts) {
            long d = span(sliceStart[c], ts);
            if (d > 0) t.slices++;
            busy[c] += d;
            sliceStart[c] = ts;
        }

        /** Makes {@code pid} the task current on {@code c}, repairing the books if they disagree. */
        void current(int c, long ts, int pid) {
            if (curr[c] == pid) return;
            if (curr[c] != -1) {
                anomalies++;
                if (curr[c] > 0) state.put(curr[c], St.RUNNABLE);
            }
            occupy(c, pid, ts);
            if (pid > 0) {
                task(pid, ts);
                if (state.get(pid) == St.BLOCKED) resolve(pid, ts, -1);
                state.put(pid, St.RUNNING);
            }
        }

        /** Makes {@code pid} current on {@code c} from {@code ts}; a task is current on one CPU at most. */
        void occupy(int c, int pid, long ts) {
            curr[c] = pid;
            since[c] = ts;
            sliceStart[c] = ts;
            if (pid <= 0) return;
            Integer other = runningOn.put(pid, c);
            if (other != null && other != c && curr[other] == pid) {
                anomalies++;
                curr[other] = -1;
            }
        }

        void lost(int c) {
            anomalies++;
            if (curr[c] > 0) state.put(curr[c], St.UNKNOWN);
            curr[c] = -1;
        }

        void sw(EventLine e) {
            int c = e.cpu;
            current(c, e.ts, e.prevPid);
            if (e.prevPid > 0) {
                TaskInfo p = tasks.get(e.prevPid);
                name(e.prevPid, e.prevComm, e.prevPrio);
                run(p, c, e.ts);
                closeSlice(p, c, e.ts);
                switch (decoder.decode(e.prevState)) {
                    case RUNNABLE:
                        state.put(p.pid, St.RUNNABLE);
                        p.preemptions++;
                        Item pr = new Item(Item.PREEMPT, c, 0);
                        pr.since = e.ts;
                        pr.by = e.nextPid;
                        p.items.add(pr);
                        break;
                    case BLOCKED: {
                        state.put(p.pid, St.BLOCKED);
                        blockSince.put(p.pid, e.ts);
                        Item b = new Item(Item.BLOCK, -1, 0);
                        b.since = e.ts;
                        p.items.add(b);
                        pendingBlock.put(p.pid, b);
                        p.blocks++;
                        break;
                    }
                    default:
                        state.put(p.pid, St.DEAD);
                }
            }
            occupy(c, e.nextPid, e.ts);
            if (e.nextPid > 0) {
                task(e.nextPid, e.ts);
                name(e.nextPid, e.nextComm, e.nextPrio);
                if (state.get(e.nextPid) == St.BLOCKED) resolve(e.nextPid, e.ts, -1);
                state.put(e.nextPid, St.RUNNING);
                List<Item> items = tasks.get(e.nextPid).items;
                Item last = items.isEmpty() ? null : items.get(items.size() - 1);
                if (last != null && last.kind == Item.PREEMPT && !last.resolved) {
                    last.resolved = true;
                    last.ns = span(last.since, e.ts);
                }
            }
        }

        /** Ends the pending block of {@code pid} at {@code ts}, by wake edge {@code edge} or -1 (no waker seen). */
        void resolve(int pid, long ts, int edge) {
            Item b = pendingBlock.remove(pid);
            Long s = blockSince.remove(pid);
            if (b == null) return;
            b.resolved = true;
            b.edge = edge;
            b.ns = s == null ? 0 : span(s, ts);
        }

        void wake(EventLine e, boolean lowConfidence, boolean isNew) {
            int c = e.cpu;
            current(c, e.ts, e.pid);
            if (e.tPid <= 0 || e.success == 0) return;
            TaskInfo t = task(e.tPid, e.ts);
            name(e.tPid, e.tComm, e.tPrio);
            St st = state.get(e.tPid);
            int waker = e.pid > 0 && e.pid != e.tPid && !irq(e.flags) ? e.pid : 0;
            if (st == St.BLOCKED) {
                resolve(e.tPid, e.ts, waker > 0 ? edge(waker, e, c, lowConfidence, isNew) : -1);
                state.put(e.tPid, St.RUNNABLE);
            } else if (st == St.UNKNOWN) {
                if (waker > 0) {
                    Item b = new Item(Item.BLOCK, -1, 0);
                    b.resolved = true;
                    b.edge = edge(waker, e, c, lowConfidence, isNew);
                    t.items.add(b);
                }
                state.put(e.tPid, St.RUNNABLE);
            }
        }

        /** Records a wake edge and places it in the waker's timeline at the current point of its run. */
        int edge(int waker, EventLine e, int c, boolean lowConfidence, boolean isNew) {
            int id = edges.size();
            edges.add(new WakeEdge(id, waker, e.tPid, e.ts, lowConfidence, isNew));
            TaskInfo w = tasks.get(waker);
            run(w, c, e.ts);
            Item it = new Item(Item.WAKE, c, 0);
            it.edge = id;
            w.items.add(it);
            return id;
        }

        /** Hard-irq, soft-irq or NMI context (third column of the flags). */
        static boolean irq(String flags) {
            if (flags.length() < 3) return false;
            char f = flags.charAt(2);
            return f == 'h' || f == 'H' || f == 's' || f == 'z' || f == 'Z';
        }

        void fork(EventLine e) {
            current(e.cpu, e.ts, e.pid);
            task(e.tPid, e.ts);
            name(e.tPid, e.tComm, -1);
            if (e.childPid > 0) {
                task(e.childPid, e.ts);
                name(e.childPid, e.childComm, -1);
            }
        }
    }
}
