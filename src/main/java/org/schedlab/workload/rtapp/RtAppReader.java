package org.schedlab.workload.rtapp;

import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.rtapp.RtAppJson.Arr;
import org.schedlab.workload.rtapp.RtAppJson.Member;
import org.schedlab.workload.rtapp.RtAppJson.Missing;
import org.schedlab.workload.rtapp.RtAppJson.Node;
import org.schedlab.workload.rtapp.RtAppJson.Num;
import org.schedlab.workload.rtapp.RtAppJson.Obj;
import org.schedlab.workload.rtapp.RtAppJson.Str;

import org.schedlab.InputFiles;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an rt-app use-case file (the event-based grammar of scheduler-tools/rt-app, including the non-strict JSON
 * found in LISA and workload-automation files) and compiles it to a {@link WorkloadSpec}.
 *
 * <p>Mapping, one rt-app task per {@link TaskTemplate} (template index = position in {@code tasks}):
 * <ul>
 * <li>{@code instance} → instances (default 1; 0 = only created by {@code fork}); {@code delay} µs → start delay;
 *     {@code priority} → nice for SCHED_OTHER/BATCH/IDLE; other policies are warned about and run as nice 0;
 *     {@code cpus} → allowed CPUs. A {@link CpuSet} needs a width: it is {@code maxCpus} when the caller gives
 *     one, else the highest CPU id referenced anywhere in the file plus one (the machine widens it as needed).</li>
 * <li>events, classified by key prefix ({@code runtime} before {@code run}, {@code memrun} before {@code mem}), run
 *     as rt-app's {@code run_event} does:
 *     run → {@link Op.Run} (µs of reference work); runtime → {@link Op.RunWall}; sleep → {@link Op.Sleep};
 *     timer → {@link Op.Timer}, one timer per name shared by every thread that uses it (each use advances it),
 *     one per thread for {@code unique*} names; a timer is absolute when any of its events says so;
 *     lock/unlock → {@link Op.Lock}/{@link Op.Unlock}; wait → {@link Op.CondWait} (pthread_cond_wait);
 *     signal/broad → {@link Op.CondSignal} (lost when nobody waits); sync → signal then wait;
 *     sem_post/sem_wait → {@link Op.Signal}/{@link Op.Wait} on a counting channel (posts are remembered);
 *     barrier → {@link Op.Barrier} with parties = Σ occurrences × instances; yield → {@link Op.Yield};
 *     fork → {@link Op.Fork} of that task's template.</li>
 * <li>Names are rt-app resources: a name is one mutex for lock, unlock, the {@code mutex} of wait/sync and
 *     suspend/resume, and one condition variable for the {@code ref} of wait/sync, signal, broad and
 *     suspend/resume. suspend is lock, wait, unlock and resume is lock, broadcast, unlock on the resource's cond and
 *     mutex (rtapp_suspend/rtapp_resume): a resume wakes every thread already suspended on it and is lost when
 *     none is. The resource is the legacy one: the suspend value, or the task's own name when the value is missing
 *     or empty (rt-app since 2025 always uses the task's name; the workload-automation files rely on the value).</li>
 * <li>phases run in order, each {@code loop} times (default 1); the phase list repeats {@code task.loop} times
 *     (default forever). Without phases, {@code loop} counts the runs of the events (forever when absent). A phase
 *     loop of 0 or less repeats for ever, as in rt-app, whose counter starts at 1; a task loop of 0 does nothing.
 *     Phase-level {@code cpus}/{@code priority} become {@link Op.SetAffinity}/{@link Op.SetNice} at the phase
 *     start. Every program ends with {@link Op.Exit}.</li>
 * <li>{@code global.duration} → {@code params["duration_s"]}. Headline: {@code completion_time} when every task
 *     that can run has a finite program; otherwise {@code work_rate} (reference work done per ns, higher is
 *     better), since a looping use case is only meaningful through how much of its demand the machine serves.</li>
 * <li>{@code mem}, {@code iorun}, {@code memrun} and ignored settings are reported in {@code params["warnings"]}
 *     (one warning per line).</li>
 * </ul>
 * Deviations from rt-app: mutexes hand over to their first waiter (glibc lets a running thread take a released
 * mutex first); a signalled waiter takes its mutex when signalled rather than when it runs; unlock by a thread
 * that does not hold the mutex does nothing (glibc releases it); a forked task starts at once even when its
 * {@code delay} has not yet passed since the use case started; a barrier is reset by its last arrival, so a thread
 * that comes back to it before the others have run cannot pass it twice.
 * <p>
 * The legacy grammar ({@code exec}, {@code period}, {@code lock_order}, {@code resources}) is refused. Every error
 * is a {@link WorkloadException} with one line {@code <file>:<line>:<col>: <what>; expected <what>}.
 */
public final class RtAppReader {
    private RtAppReader() {}

    /** CPU ids above this are refused (a cpumask this wide would be a typo). */
    static final int MAX_CPU_ID = 65535;
    /** The largest rt-app file read (the largest published use cases are a few KiB). */
    public static final long MAX_BYTES = 16 * InputFiles.MiB;
    /** Tasks a use case may start, counting every instance of every task (each is a simulated thread). */
    public static final int MAX_TASKS = 100_000;

    enum Kind {
        LOCK("lock"), UNLOCK("unlock"), WAIT("wait"), SIGNAL("signal"), BROAD("broad"), SYNC("sync"), SLEEP("sleep"),
        RUNTIME("runtime"), RUN("run"), TIMER("timer"), SUSPEND("suspend"), RESUME("resume"), MEMRUN("memrun"),
        MEM("mem"), IORUN("iorun"), YIELD("yield"), BARRIER("barrier"), FORK("fork"), SEM_POST("sem_post"),
        SEM_WAIT("sem_wait");

        final String prefix;
        Kind(String prefix) { this.prefix = prefix; }

        /** The event kind of a key, by prefix in rt-app's order; null if the key is not an event. */
        static Kind of(String key) {
            for (Kind k : values()) if (key.startsWith(k.prefix)) return k;
            return null;
        }
    }

    private static final Set<String> TASK_PROPS = Set.of("instance", "delay", "loop", "phases", "cpus", "nodes_membind",
            "policy", "priority", "dl-runtime", "dl-period", "dl-deadline", "util_min", "util_max", "taskgroup",
            "period", "deadline");
    private static final Set<String> PHASE_PROPS = Set.of("loop", "cpus", "nodes_membind", "policy", "priority",
            "dl-runtime", "dl-period", "dl-deadline", "util_min", "util_max", "taskgroup");
    private static final Set<String> LEGACY = Set.of("exec", "lock_order", "resources");
    private static final Set<String> POLICIES = Set.of("SCHED_OTHER", "SCHED_BATCH", "SCHED_IDLE", "SCHED_RR",
            "SCHED_FIFO", "SCHED_DEADLINE");
    private static final Set<String> GLOBAL_IGNORED = Set.of("lock_pages", "logdir", "log_basename", "log_size",
            "gnuplot", "io_device", "mem_buffer_size", "ftrace", "cumulative_slack");
    private static final String EVENTS = "run, runtime, sleep, timer, lock, unlock, wait, signal, broad, sync, "
            + "suspend, resume, sem_post, sem_wait, barrier, fork, yield, mem, memrun, iorun";

    /** Defaults of the LISA placeholders. */
    public static Map<String, String> defaultPlaceholders() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("DURATION", "-1");
        m.put("PVALUE", "CPU0");
        m.put("LOGDIR", "./");
        m.put("WORKDIR", "./");
        return m;
    }

    public static WorkloadSpec read(Path file, Map<String, String> placeholders) {
        return read(file, placeholders, 0);
    }

    /** @param maxCpus width of affinity masks, or 0 to use the highest CPU id referenced plus one */
    public static WorkloadSpec read(Path file, Map<String, String> placeholders, int maxCpus) {
        byte[] bytes = InputFiles.readBytes(file, "an rt-app file", MAX_BYTES);
        Path name = file.getFileName();
        return parse(file.toString(), name == null ? file.toString() : name.toString(), bytes, placeholders, maxCpus);
    }

    /**
     * Compiles file content. {@code where} prefixes error messages; {@code fileName} names the workload
     * ({@code rtapp:<fileName>}). Bytes that are not UTF-8 are replaced, not refused.
     */
    public static WorkloadSpec parse(String where, String fileName, byte[] content, Map<String, String> placeholders, int maxCpus) {
        Map<String, String> ph = defaultPlaceholders();
        if (placeholders != null) {
            for (Map.Entry<String, String> e : placeholders.entrySet()) {
                String k = e.getKey();
                if (k.length() > 4 && k.startsWith("__") && k.endsWith("__")) k = k.substring(2, k.length() - 2);
                ph.put(k, e.getValue());
            }
        }
        String text = new String(content, StandardCharsets.UTF_8);
        Node root = RtAppJson.parse(where, text, ph);
        return new Compiler(where, fileName, maxCpus).compile(root);
    }

    private static final class PhaseDef {
        String name;
        Member at;
        int loop = 1;
        int[] cpus;
        Integer priority;
        String policy;
        final List<Member> events = new ArrayList<>();
    }

    private static final class TaskDef {
        String name;
        Member at;
        int index;
        int instances = 1;
        long delayNs;
        Integer loop;
        boolean hasPhases;
        int[] cpus;
        int priority;
        String policy;
        final List<PhaseDef> phases = new ArrayList<>();
    }

    private static final class Compiler {
        final String file, fileName;
        final int maxCpusHint;
        final Set<String> warnings = new LinkedHashSet<>();
        final Map<String, Integer> mutexes = new HashMap<>(), conds = new HashMap<>(), channels = new HashMap<>(),
                barriers = new LinkedHashMap<>(), timers = new HashMap<>();
        final Map<String, Integer> taskIndex = new HashMap<>();
        final List<TaskDef> tasks = new ArrayList<>();
        /** Timer keys that some event puts in absolute mode (the mode belongs to the timer, as in rt-app). */
        final Set<String> absoluteTimers = new HashSet<>();
        /** Arrivals per round at each barrier: Σ occurrences × instances, counted without overflow. */
        final Map<String, Long> barrierUses = new HashMap<>();
        final Map<String, Set<Integer>> barrierUsers = new HashMap<>();
        final Set<Integer> forkTargets = new HashSet<>();
        String defaultPolicy = "SCHED_OTHER";
        int maxCpuId = -1;

        Compiler(String file, String fileName, int maxCpus) {
            this.file = file;
            this.fileName = fileName;
            this.maxCpusHint = maxCpus;
        }

        WorkloadException err(Node n, String what, String expected) { return err(n.line, n.col, what, expected); }

        WorkloadException err(Member m, String what, String expected) { return err(m.line, m.col, what, expected); }

        WorkloadException err(int line, int col, String what, String expected) {
            return new WorkloadException((file + ":" + line + ":" + col + ": " + what + "; expected " + expected).replaceAll("\\p{Cntrl}", " "));
        }

        WorkloadSpec compile(Node rootNode) {
            if (!(rootNode instanceof Obj)) throw err(rootNode, "the top level is " + rootNode.describe(), "an object with \"tasks\"");
            Obj root = (Obj) rootNode;
            checkLegacy(root);
            Obj tasksObj = null, global = null;
            for (Member m : root.members) {
                switch (m.key) {
                    case "tasks":
                        if (tasksObj != null) throw err(m, "\"tasks\" appears twice", "a single \"tasks\" object");
                        tasksObj = obj(m, "\"tasks\"");
                        break;
                    case "global":
                        if (global != null) throw err(m, "\"global\" appears twice", "a single \"global\" object");
                        global = obj(m, "\"global\"");
                        break;
                    case "resources":
                        warnings.add("top-level \"resources\" ignored (resources are created on first use)");
                        break;
                    default:
                        warnings.add("unknown top-level key \"" + RtAppJson.clip(m.key, 40) + "\" ignored");
                }
            }
            if (tasksObj == null) throw err(root, "no \"tasks\" object", "\"tasks\": { \"<name>\": { ... }, ... }");
            WorkloadSpec spec = new WorkloadSpec("rtapp:" + fileName);
            String duration = global(global, spec);
            defineTasks(tasksObj);
            prescan();
            int width = maxCpusHint > 0 ? maxCpusHint : maxCpuId + 1;
            for (TaskDef t : tasks) spec.addTemplate(build(t, width));
            spec.mutexes = mutexes.size();
            spec.conds = conds.size();
            spec.channels = channels.size();
            spec.timers = timers.size();
            spec.barrierParties = new int[barriers.size()];
            for (Map.Entry<String, Integer> b : barriers.entrySet())
                spec.barrierParties[b.getValue()] = Math.max(1, parties(b.getKey()));
            boolean finite = true;
            String looping = null;
            for (int i = 0; i < spec.templates.size(); i++) {
                TaskTemplate t = spec.templates.get(i);
                if (t.instances == 0 && !forkTargets.contains(i)) continue;
                for (Op op : t.program) {
                    if (op instanceof Op.LoopBegin && ((Op.LoopBegin) op).count < 0) {
                        finite = false;
                        if (looping == null) looping = t.comm;
                    }
                }
            }
            if (finite) {
                spec.headline = new WorkloadSpec.Headline("completion_time", "ns", false, WorkloadSpec.HeadlineKind.COMPLETION_TIME, -1, 1.0);
            } else {
                spec.headline = new WorkloadSpec.Headline("work_rate", "ref-ns/ns", true, WorkloadSpec.HeadlineKind.WORK_RATE, -1, 1.0);
                if (duration == null || duration.startsWith("-"))
                    warnings.add("task \"" + looping + "\" loops forever and global.duration is -1: the run needs a time limit");
            }
            spec.endWhenAllExit = true;
            if (!warnings.isEmpty()) spec.params.put("warnings", String.join("\n", warnings));
            return spec;
        }

        void checkLegacy(Obj root) {
            for (Member m : root.members) {
                if (m.key.equals("tasks") && m.value instanceof Obj) {
                    for (Member t : ((Obj) m.value).members) {
                        if (!(t.value instanceof Obj)) continue;
                        legacyKeys((Obj) t.value);
                        for (Member p : ((Obj) t.value).all("phases")) {
                            if (!(p.value instanceof Obj)) continue;
                            for (Member ph : ((Obj) p.value).members)
                                if (ph.value instanceof Obj) legacyKeys((Obj) ph.value);
                        }
                    }
                }
                if (m.key.equals("resources") && m.value instanceof Obj) {
                    for (Member r : ((Obj) m.value).members)
                        if (r.value instanceof Obj && !((Obj) r.value).all("type").isEmpty()) throw legacy(r);
                }
            }
        }

        void legacyKeys(Obj o) {
            for (Member k : o.members) if (LEGACY.contains(k.key)) throw legacy(k);
        }

        WorkloadException legacy(Member m) {
            return err(m, "legacy rt-app grammar (exec/period/lock_order) is not supported (key \"" + m.key + "\")",
                    "the event-based grammar (run, sleep, timer, lock, ...)");
        }

        /** Reads {@code global}; returns the duration text or null. */
        String global(Obj global, WorkloadSpec spec) {
            if (global == null) return null;
            unique(global, "\"global\"", null);
            String duration = null;
            for (Member m : global.members) {
                switch (m.key) {
                    case "duration":
                        duration = Long.toString(integer(m, "global.duration (seconds, -1 for no limit)", -1, Integer.MAX_VALUE));
                        spec.params.put("duration_s", duration);
                        break;
                    case "calibration":
                        if (m.value instanceof Str) spec.params.put("calibration", ((Str) m.value).value);
                        else if (m.value instanceof Num) spec.params.put("calibration", ((Num) m.value).text);
                        else throw err(m.value, "global.calibration is " + m.value.describe(), "\"CPUn\" or a number of ns per loop");
                        break;
                    case "default_policy":
                        defaultPolicy = policy(m);
                        break;
                    case "pi_enabled":
                        if (m.value instanceof RtAppJson.Bool && ((RtAppJson.Bool) m.value).value)
                            warnings.add("global.pi_enabled: priority inheritance is not modelled");
                        break;
                    default:
                        if (!GLOBAL_IGNORED.contains(m.key))
                            warnings.add("unknown global key \"" + RtAppJson.clip(m.key, 40) + "\" ignored");
                }
            }
            return duration;
        }

        void defineTasks(Obj tasksObj) {
            for (Member m : tasksObj.members) {
                if (taskIndex.containsKey(m.key)) throw err(m, "task \"" + RtAppJson.clip(m.key, 40) + "\" is defined twice", "unique task names");
                if (m.key.isEmpty()) throw err(m, "a task has an empty name", "a task name");
                taskIndex.put(m.key, tasks.size());
                TaskDef t = new TaskDef();
                t.name = m.key;
                t.at = m;
                t.index = tasks.size();
                t.policy = defaultPolicy;
                tasks.add(t);
            }
            for (TaskDef t : tasks) defineTask(t);
            if (tasks.isEmpty()) throw err(tasksObj, "\"tasks\" is empty", "at least one task");
            long total = 0;
            for (TaskDef t : tasks) total += t.instances;
            if (total > MAX_TASKS)
                throw err(tasksObj, "the tasks ask for " + total + " instances in all", "at most " + MAX_TASKS + " tasks");
        }

        void defineTask(TaskDef t) {
            Obj o = obj(t.at, "task \"" + t.name + "\"");
            unique(o, "task \"" + t.name + "\"", TASK_PROPS);
            t.hasPhases = !o.all("phases").isEmpty();
            PhaseDef single = new PhaseDef();
            single.name = t.name;
            single.at = t.at;
            for (Member m : o.members) {
                if (m.key.equals("runtime") && t.hasPhases) {
                    warnings.add("task \"" + t.name + "\": task-level \"runtime\" with phases is the legacy dl-runtime; ignored");
                    continue;
                }
                if (TASK_PROPS.contains(m.key)) {
                    switch (m.key) {
                        case "instance": t.instances = (int) integer(m, "a number of instances", 0, MAX_TASKS); break;
                        case "delay": t.delayNs = micros(m); break;
                        case "loop": t.loop = (int) integer(m, "a loop count (-1 for forever)", Integer.MIN_VALUE, Integer.MAX_VALUE); break;
                        case "cpus": t.cpus = cpus(m); break;
                        case "policy": t.policy = policy(m); break;
                        case "priority": t.priority = (int) integer(m, "a priority", -1000, 1000); break;
                        case "phases": phases(t, m); break;
                        default: warnings.add("task \"" + t.name + "\": \"" + m.key + "\" is not modelled; ignored");
                    }
                    continue;
                }
                Kind k = Kind.of(m.key);
                if (k == null) throw err(m, "unknown key \"" + RtAppJson.clip(m.key, 40) + "\" in task \"" + t.name + "\"", "an event (" + EVENTS + ") or a task property");
                if (t.hasPhases) {
                    warnings.add("task \"" + t.name + "\": event \"" + m.key + "\" beside \"phases\" is ignored, as rt-app does");
                    continue;
                }
                single.events.add(m);
            }
            if (!t.hasPhases) {
                if (single.events.isEmpty()) throw err(t.at, "task \"" + t.name + "\" has no events", "at least one event (" + EVENTS + ")");
                // parse_thread_data: without phases, "loop" counts the one phase and the thread runs it once
                if (t.loop != null) {
                    single.loop = t.loop;
                    t.loop = 1;
                }
                t.phases.add(single);
            }
            checkFairPriority(t.at, t.name, t.policy, t.priority);
        }

        void phases(TaskDef t, Member pm) {
            Obj po = obj(pm, "\"phases\" of task \"" + t.name + "\"");
            if (po.members.isEmpty()) throw err(pm, "task \"" + t.name + "\" has an empty \"phases\" object", "at least one phase");
            for (Member phm : po.members) {
                PhaseDef p = new PhaseDef();
                p.name = phm.key;
                p.at = phm;
                Obj o = obj(phm, "phase \"" + phm.key + "\"");
                unique(o, "phase \"" + phm.key + "\" of task \"" + t.name + "\"", PHASE_PROPS);
                for (Member m : o.members) {
                    if (PHASE_PROPS.contains(m.key)) {
                        switch (m.key) {
                            case "loop": p.loop = (int) integer(m, "a loop count", Integer.MIN_VALUE, Integer.MAX_VALUE); break;
                            case "cpus": p.cpus = cpus(m); break;
                            case "policy": p.policy = policy(m); break;
                            case "priority": p.priority = (int) integer(m, "a priority", -1000, 1000); break;
                            default: warnings.add("phase \"" + p.name + "\" of task \"" + t.name + "\": \"" + m.key + "\" is not modelled; ignored");
                        }
                        continue;
                    }
                    Kind k = Kind.of(m.key);
                    if (k == null) throw err(m, "unknown key \"" + RtAppJson.clip(m.key, 40) + "\" in phase \"" + p.name + "\"", "an event (" + EVENTS + ") or a phase property");
                    p.events.add(m);
                }
                if (p.events.isEmpty()) throw err(phm, "phase \"" + p.name + "\" of task \"" + t.name + "\" has no events", "at least one event (" + EVENTS + ")");
                t.phases.add(p);
            }
        }

        /** Collects what compilation needs from the whole file: barrier parties, fork targets, absolute timers. */
        void prescan() {
            for (TaskDef t : tasks) {
                for (PhaseDef p : t.phases) {
                    for (Member e : p.events) {
                        Kind k = Kind.of(e.key);
                        if (k == Kind.BARRIER && e.value instanceof Str) {
                            String b = ((Str) e.value).value;
                            long arrivals = barrierUses.merge(b, (long) t.instances, Long::sum);
                            if (arrivals > Integer.MAX_VALUE)
                                throw err(e, "barrier \"" + RtAppJson.clip(b, 40) + "\" is reached " + arrivals
                                        + " times per round (occurrences × instances)", "at most " + Integer.MAX_VALUE);
                            barrierUsers.computeIfAbsent(b, x -> new HashSet<>()).add(t.index);
                        } else if (k == Kind.FORK && e.value instanceof Str) {
                            Integer target = taskIndex.get(((Str) e.value).value);
                            if (target != null) forkTargets.add(target);
                        } else if (k == Kind.TIMER && e.value instanceof Obj) {
                            List<Member> ref = ((Obj) e.value).all("ref"), mode = ((Obj) e.value).all("mode");
                            if (!ref.isEmpty() && ref.get(ref.size() - 1).value instanceof Str && !mode.isEmpty()
                                    && mode.get(mode.size() - 1).value instanceof Str
                                    && ((Str) mode.get(mode.size() - 1).value).value.equals("absolute"))
                                absoluteTimers.add(timerKey(t, ((Str) ref.get(ref.size() - 1).value).value));
                        }
                    }
                }
            }
        }

        int parties(String barrier) {
            Long n = barrierUses.get(barrier);
            return n == null ? 0 : (int) (long) n;
        }

        String suspendResource(Member e, String taskName) {
            if (e.value instanceof Str && !((Str) e.value).value.isEmpty()) return ((Str) e.value).value;
            return taskName;
        }

        TaskTemplate build(TaskDef t, int width) {
            List<Op> ops = new ArrayList<>();
            int taskLoop = t.loop == null ? -1 : t.loop;
            if (taskLoop == 0) {
                warnings.add("task \"" + t.name + "\" has loop 0 and does nothing");
            } else {
                int begin = -1;
                if (taskLoop != 1) {
                    ops.add(new Op.LoopBegin(Math.max(-1, taskLoop)));
                    begin = ops.size() - 1;
                }
                for (PhaseDef p : t.phases) phase(t, p, ops, width);
                if (begin >= 0) closeLoop(t, ops, begin);
            }
            ops.add(new Op.Exit());
            TaskTemplate tt = new TaskTemplate(t.name, ops.toArray(new Op[0]), t.instances);
            tt.startDelayNs = t.delayNs;
            tt.nice = fair(t.policy) ? t.priority : 0;
            if (t.cpus != null) tt.allowed = cpuSet(t.cpus, width);
            return tt;
        }

        void phase(TaskDef t, PhaseDef p, List<Op> ops, int width) {
            if (p.loop == 0)
                warnings.add("phase \"" + p.name + "\" of task \"" + t.name + "\" has loop 0: rt-app counts its runs from 1, so it repeats for ever");
            if (p.cpus != null) ops.add(new Op.SetAffinity(cpuSet(p.cpus, width)));
            String policy = p.policy != null ? p.policy : t.policy;
            if (p.policy != null || p.priority != null) {
                int prio = p.priority != null ? p.priority : 0;
                checkFairPriority(p.at, p.name, policy, prio);
                if (fair(policy)) ops.add(new Op.SetNice(prio));
            }
            int begin = -1;
            if (p.loop != 1) {
                ops.add(new Op.LoopBegin(p.loop <= 0 ? -1 : p.loop));
                begin = ops.size() - 1;
            }
            for (Member e : p.events) event(t, e, ops);
            if (begin >= 0) closeLoop(t, ops, begin);
        }

        /** Closes the loop opened at {@code begin}; drops it when empty, refuses a zero-time endless loop. */
        void closeLoop(TaskDef t, List<Op> ops, int begin) {
            if (ops.size() == begin + 1) {
                ops.remove(begin);
                return;
            }
            Op.LoopBegin lb = (Op.LoopBegin) ops.get(begin);
            if (lb.count < 0) {
                boolean takesTime = false;
                for (int i = begin + 1; i < ops.size() && !takesTime; i++) takesTime = takesTime(ops.get(i));
                if (!takesTime)
                    throw err(t.at, "task \"" + t.name + "\" loops forever without running, sleeping or blocking",
                            "a run, runtime, sleep, timer, suspend, wait, sync, sem_wait or barrier event with a non-zero value in the loop");
            }
            ops.add(new Op.LoopEnd(begin));
        }

        static boolean takesTime(Op op) {
            if (op instanceof Op.Run) return ((Op.Run) op).work.mean() > 0;
            if (op instanceof Op.RunWall) return ((Op.RunWall) op).duration.mean() > 0;
            if (op instanceof Op.Sleep) return ((Op.Sleep) op).duration.mean() > 0;
            return op instanceof Op.Timer || op instanceof Op.Wait || op instanceof Op.CondWait || op instanceof Op.Barrier;
        }

        void event(TaskDef t, Member e, List<Op> ops) {
            Kind k = Kind.of(e.key);
            switch (k) {
                case RUN: ops.add(new Op.Run(Dist.constant(micros(e)))); break;
                case RUNTIME: ops.add(new Op.RunWall(Dist.constant(micros(e)))); break;
                case SLEEP: ops.add(new Op.Sleep(Dist.constant(micros(e)))); break;
                case TIMER: ops.add(timer(t, e)); break;
                case LOCK: ops.add(new Op.Lock(id(mutexes, name(e, "a mutex name")))); break;
                case UNLOCK: ops.add(new Op.Unlock(id(mutexes, name(e, "a mutex name")))); break;
                case WAIT: {
                    Obj o = refObj(e);
                    ops.add(new Op.CondWait(id(conds, field(o, e, "ref")), id(mutexes, field(o, e, "mutex"))));
                    break;
                }
                case SIGNAL: ops.add(new Op.CondSignal(id(conds, name(e, "a condition name")), false)); break;
                case BROAD: ops.add(new Op.CondSignal(id(conds, name(e, "a condition name")), true)); break;
                case SYNC: {
                    Obj o = refObj(e);
                    int c = id(conds, field(o, e, "ref"));
                    ops.add(new Op.CondSignal(c, false));
                    ops.add(new Op.CondWait(c, id(mutexes, field(o, e, "mutex"))));
                    break;
                }
                case SUSPEND: {
                    // rt-app's rtapp_suspend: lock, pthread_cond_wait, unlock on the resource's own cond and mutex
                    if (!(e.value instanceof Str || e.value instanceof Missing || e.value instanceof RtAppJson.Null))
                        throw err(e.value, "\"" + e.key + "\" value is " + e.value.describe(), "a resource name or nothing");
                    String r = suspendResource(e, t.name);
                    int m = id(mutexes, r);
                    ops.add(new Op.Lock(m));
                    ops.add(new Op.CondWait(id(conds, r), m));
                    ops.add(new Op.Unlock(m));
                    break;
                }
                case RESUME: {
                    // rtapp_resume: lock, pthread_cond_broadcast, unlock; nobody waiting means the resume is lost
                    String r = name(e, "the name of a suspended resource or task");
                    int m = id(mutexes, r);
                    ops.add(new Op.Lock(m));
                    ops.add(new Op.CondSignal(id(conds, r), true));
                    ops.add(new Op.Unlock(m));
                    break;
                }
                case SEM_POST: ops.add(new Op.Signal(id(channels, name(e, "a semaphore name")), false, false)); break;
                case SEM_WAIT: ops.add(new Op.Wait(id(channels, name(e, "a semaphore name")))); break;
                case YIELD: ops.add(new Op.Yield()); break;
                case BARRIER: {
                    String b = name(e, "a barrier name");
                    for (int user : barrierUsers.getOrDefault(b, Set.of()))
                        if (forkTargets.contains(user))
                            throw err(e, "barrier \"" + RtAppJson.clip(b, 40) + "\" is used by task \"" + tasks.get(user).name + "\" which is created by fork", "barriers only in tasks started by \"instance\"");
                    ops.add(new Op.Barrier(id(barriers, b)));
                    break;
                }
                case FORK: {
                    String target = name(e, "the name of a task");
                    Integer idx = taskIndex.get(target);
                    if (idx == null) throw err(e.value, "fork of unknown task \"" + RtAppJson.clip(target, 40) + "\"", "the name of a task in \"tasks\"");
                    ops.add(new Op.Fork(idx, 1));
                    break;
                }
                case MEM: case MEMRUN: case IORUN:
                    warnings.add("task \"" + t.name + "\": \"" + e.key + "\" (memory/IO load) is not modelled; ignored");
                    break;
                default: throw new IllegalStateException(k.toString());
            }
        }

        Op timer(TaskDef t, Member e) {
            Obj o = refObj(e);
            String ref = field(o, e, "ref");
            long period = 0;
            String mode = "relative";
            boolean havePeriod = false;
            for (Member m : o.members) {
                if (m.key.equals("period")) {
                    period = micros(m);
                    havePeriod = true;
                } else if (m.key.equals("mode")) {
                    mode = name(m, "\"relative\" or \"absolute\"");
                }
            }
            if (!havePeriod) throw err(e.value, "timer without \"period\"", "{ \"ref\": <name>, \"period\": <µs> }");
            if (period <= 0) throw err(e.value, "timer period is 0", "a period of at least 1 µs");
            if (!mode.equals("relative") && !mode.equals("absolute"))
                throw err(e.value, "timer mode \"" + RtAppJson.clip(mode, 20) + "\"", "\"relative\" or \"absolute\"");
            String key = timerKey(t, ref);
            return new Op.Timer(id(timers, key), period, absoluteTimers.contains(key), !ref.startsWith("unique"));
        }

        /** One timer per name, per thread for {@code unique*} names (rt-app's local resources). */
        static String timerKey(TaskDef t, String ref) {
            return ref.startsWith("unique") ? t.index + "/" + ref : "/" + ref;
        }

        static int id(Map<String, Integer> m, String name) {
            Integer i = m.get(name);
            if (i == null) {
                i = m.size();
                m.put(name, i);
            }
            return i;
        }

        Obj obj(Member m, String what) {
            if (!(m.value instanceof Obj)) throw err(m.value, what + " is " + m.value.describe(), "an object { ... }");
            return (Obj) m.value;
        }

        Obj refObj(Member e) {
            if (!(e.value instanceof Obj)) throw err(e.value, "\"" + e.key + "\" value is " + e.value.describe(), "an object with \"ref\"");
            unique((Obj) e.value, "\"" + e.key + "\"", null);
            return (Obj) e.value;
        }

        /**
         * Refuses a key that {@code o} holds twice, unless it is an event: events repeat (a phase may run, sleep and
         * run again; phases repeat too, and are not checked here), properties do not: rt-app would keep one of two
         * "loop"s ({@code props}: the properties beside events, null when every key must be unique).
         */
        void unique(Obj o, String where, Set<String> props) {
            Set<String> seen = new HashSet<>();
            for (Member m : o.members) {
                boolean event = props != null && !props.contains(m.key) && Kind.of(m.key) != null;
                if (!event && !seen.add(m.key))
                    throw err(m, "\"" + RtAppJson.clip(m.key, 40) + "\" appears twice in " + where, "each key once");
            }
        }

        String field(Obj o, Member e, String key) {
            List<Member> ms = o.all(key);
            if (ms.isEmpty()) throw err(e.value, "\"" + e.key + "\" has no \"" + key + "\"", "\"" + key + "\": \"<name>\"");
            return name(ms.get(ms.size() - 1), "a name");
        }


        String name(Member m, String expected) {
            if (!(m.value instanceof Str)) throw err(m.value, "\"" + m.key + "\" value is " + m.value.describe(), expected + " in quotes");
            return ((Str) m.value).value;
        }

        long integer(Member m, String expected, long min, long max) {
            if (!(m.value instanceof Num) || !((Num) m.value).integral())
                throw err(m.value, "\"" + m.key + "\" value is " + m.value.describe(), expected + " (an integer)");
            long v;
            try {
                v = Long.parseLong(((Num) m.value).text);
            } catch (NumberFormatException x) {
                throw err(m.value, "\"" + m.key + "\" value " + RtAppJson.clip(((Num) m.value).text, 30) + " is out of range", expected);
            }
            if (v < min || v > max) throw err(m.value, "\"" + m.key + "\" value " + v + " is out of range", expected + " between " + min + " and " + max);
            return v;
        }

        /** A non-negative whole number of microseconds, returned in ns. */
        long micros(Member m) {
            long us = integer(m, "a whole number of microseconds", 0, Long.MAX_VALUE / 1000);
            return us * 1000;
        }

        String policy(Member m) {
            String p = name(m, "a policy");
            if (!POLICIES.contains(p)) throw err(m.value, "unknown policy \"" + RtAppJson.clip(p, 30) + "\"", String.join(", ", POLICIES));
            return p;
        }

        static boolean fair(String policy) {
            return policy.equals("SCHED_OTHER") || policy.equals("SCHED_BATCH") || policy.equals("SCHED_IDLE");
        }

        void checkFairPriority(Member at, String who, String policy, int prio) {
            if (fair(policy)) {
                if (prio < -20 || prio > 19) throw err(at, "\"" + who + "\" has priority " + prio + " under " + policy, "a nice value between -20 and 19");
                if (!policy.equals("SCHED_OTHER")) warnings.add("\"" + who + "\": " + policy + " is modelled as SCHED_OTHER");
            } else {
                warnings.add("\"" + who + "\": " + policy + " is not modelled; it runs as SCHED_OTHER at nice 0");
            }
        }

        int[] cpus(Member m) {
            if (!(m.value instanceof Arr)) throw err(m.value, "\"cpus\" value is " + m.value.describe(), "an array of CPU ids such as [0, 1]");
            Arr a = (Arr) m.value;
            if (a.items.isEmpty()) throw err(m.value, "\"cpus\" is empty", "at least one CPU id");
            int[] r = new int[a.items.size()];
            for (int i = 0; i < r.length; i++) {
                Node n = a.items.get(i);
                long v = -1;
                if (n instanceof Num && ((Num) n).integral()) {
                    try {
                        v = Long.parseLong(((Num) n).text);
                    } catch (NumberFormatException x) {
                        v = -1;
                    }
                }
                if (v < 0 || v > MAX_CPU_ID) throw err(n, "CPU id " + n.describe().replace("the number ", ""), "a CPU id between 0 and " + MAX_CPU_ID);
                if (maxCpusHint > 0 && v >= maxCpusHint) throw err(n, "CPU " + v + " does not exist on a " + maxCpusHint + "-CPU machine", "a CPU id below " + maxCpusHint);
                r[i] = (int) v;
                maxCpuId = Math.max(maxCpuId, r[i]);
            }
            return r;
        }

        static CpuSet cpuSet(int[] cpus, int width) {
            CpuSet s = new CpuSet(width);
            for (int c : cpus) s.set(c);
            return s;
        }
    }
}
