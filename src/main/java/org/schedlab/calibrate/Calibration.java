package org.schedlab.calibrate;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.cost.CostModel;
import org.schedlab.cost.CostProfile;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.experiment.Stats;
import org.schedlab.topology.Topology;
import org.schedlab.topology.TopologySources;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the running machine and turns the figures into a cost profile over the built-in default.
 *
 * <p>Figures: the pipe round trip on one CPU ({@code perf bench sched pipe -T} under {@code taskset}, else the
 * Java probe pinned), the pipe round trip between two CPUs of each distance the host has (SMT sibling, same LLC,
 * other LLC, other package; Java probe with both threads pinned), unpinned round trips, one pipe write+read
 * without a wakeup, cache-line transfer by distance (Java spin ping-pong, pinned), unix socket write and read on one
 * CPU and on one socket used from two CPUs at once (Java probes, pinned), and where perf works the lifecycle of a
 * forked copy of perf (CPU time of {@code perf bench sched messaging -g 1 -l 1}, process mode minus thread mode,
 * parent and children apart).
 *
 * <p>Mapping. {@code transfer*Ns} = the line transfer measured at that distance. {@code contextSwitchNs} and
 * {@code ipiLatencyNs} are fitted with the model itself: the model's thread-mode pipe on one CPU and on two CPUs
 * of one LLC is run with the candidate profile, and each constant moves by half the gap between measured and
 * modelled round trip (each enters a round trip twice; one step is exact because the model is linear in them,
 * unless the result would be negative, then 0). On one CPU a round trip is 2 × (write + read + wakeup call +
 * context switch); across CPUs 2 × (write + IPI latency + idle exit + context switch + read). The cross-CPU
 * figure used is the one-CPU figure plus the probe's (cross − same) difference, so both come from one method.
 * {@code socketSendNs}/{@code socketRecvNs} = the socket probe minus the per-byte part; {@code ipcRemoteLines} =
 * (shared-socket figure − write − read) / (2 × line transfer); {@code processForkNs} and {@code processExitNs} = the
 * perf lifecycle per child, parent's and child's part.
 * Everything else keeps the default.
 */
public final class Calibration {
    /** Children of {@code perf bench sched messaging -g 1}: 20 senders and 20 receivers. */
    static final int MESSAGING_CHILDREN = 40;

    /**
     * The extra cost of a forked child of perf over a thread, split where it is paid. {@code perf stat -e task-clock}
     * of {@code perf bench sched messaging -g 1 -l 1} (40 children, 20 messages each) in process and thread mode,
     * once for every task and once ({@code --no-inherit}) for perf's main thread alone: the main thread's extra is
     * the parent's per fork ({@code processForkNs}), the rest's extra the child's ({@code processExitNs}). Means of
     * alternating runs. Where perf stat cannot count, the wall-clock difference of {@code perf bench sched pipe -l 1}
     * (one child) goes to the child's exit.
     */
    private static void lifecycle(CostModel c, ObjectNode m, Map<String, String> comments, PrintStream progress)
            throws IOException, InterruptedException {
        progress.println("calibrate: lifecycle of a forked perf process");
        int n = 5;
        double totalP = 0, mainP = 0, totalT = 0, mainT = 0;
        try {
            for (int i = 0; i < n; i++) {
                totalP += PerfBench.messagingTaskClockMs(1, 1, false, true) / n;
                mainP += PerfBench.messagingTaskClockMs(1, 1, false, false) / n;
                totalT += PerfBench.messagingTaskClockMs(1, 1, true, true) / n;
                mainT += PerfBench.messagingTaskClockMs(1, 1, true, false) / n;
            }
        } catch (IOException e) {
            // perf prints milliseconds: means over alternating runs, not medians, so that the rounding averages out
            double proc = 0, thread = 0;
            for (int i = 0; i < 9; i++) {
                proc += PerfBench.pipeTotalSeconds(1, false) / 9;
                thread += PerfBench.pipeTotalSeconds(1, true) / 9;
            }
            double child = Math.max(0, (proc - thread) * 1e9);
            put(m, "process_lifecycle_ns", child, "perf bench sched pipe -l 1, process mode (one forked child) - thread mode, means of 9");
            c.processExitNs = Math.round(child);
            comments.put("processExitNs", "measured: process_lifecycle_ns (fork and exit of a copy of perf, all charged at exit; perf stat could not count)");
            return;
        }
        double fork = Math.max(0, (mainP - mainT) * 1e6 / MESSAGING_CHILDREN);
        double child = Math.max(0, ((totalP - mainP) - (totalT - mainT)) * 1e6 / MESSAGING_CHILDREN);
        put(m, "process_fork_ns", fork, "perf stat -e task-clock --no-inherit, perf bench sched messaging -g 1 -l 1: "
                + "(process mode - thread mode) / " + MESSAGING_CHILDREN + " forks, means of " + n);
        put(m, "process_child_ns", child, "perf stat -e task-clock, same runs: children's CPU time (process mode - thread mode) / "
                + MESSAGING_CHILDREN + " children, means of " + n);
        c.processForkNs = Math.round(fork);
        c.processExitNs = Math.round(child);
        comments.put("processForkNs", "measured: process_fork_ns (perf's own fork of a messaging child)");
        comments.put("processExitNs", "measured: process_child_ns (copy-on-write faults and exit of perf's messaging child, all charged at exit)");
    }

    /** Runs of each one-CPU perf figure; the median is used. */
    static final int ONE_CPU_RUNS = 3;
    /** hackbench's shape: a group's 20 receivers' sockets, each holding most of its 238 messages. */
    static final int DEEP_SOCKETS = 20, DEEP_MESSAGES = 200;
    /** hackbench's message size. */
    static final int SOCKET_BYTES = 100;
    public final CostModel costs;
    public final ObjectNode host, measured;
    public final String text;

    private Calibration(CostModel costs, ObjectNode host, ObjectNode measured, String text) {
        this.costs = costs;
        this.host = host;
        this.measured = measured;
        this.text = text;
    }

    /** @param usePerf whether to use {@code perf} when it works; {@code budgetNs} bounds the probes' own time */
    public static Calibration run(long budgetNs, boolean usePerf, PrintStream progress) throws IOException, InterruptedException {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Topology topo = TopologySources.resolve("host");
        ObjectNode host = f.objectNode();
        host.put("cpus", topo.nrCpus());
        host.put("cores", topo.nrCores());
        host.put("llcs", topo.nrLlcs());
        host.put("nodes", topo.nrNodes());
        host.put("packages", topo.nrPackages());
        host.put("cpu_model", cpuModel());
        host.put("kernel", System.getProperty("os.version"));
        host.put("pinning", Probes.canPin() ? "taskset on each probe thread" : "none (no taskset or /proc/thread-self)");
        boolean perf = usePerf && PerfBench.available();
        host.put("perf", perf ? "perf bench sched" : "not used");

        ObjectNode m = f.objectNode();
        long slice = Math.max(budgetNs / 10, 2_000_000L);
        int c0 = topo.osIndex(0);
        progress.println("calibrate: pipe round trip on one CPU (" + (perf ? "perf, threads and processes, " + ONE_CPU_RUNS + " times" : "probe") + ")");
        double javaSame = Probes.pipeRoundTripNs(c0, c0, slice);
        double same = javaSame, sameProcess = Double.NaN;
        String sameMethod = "java probe, both threads pinned to CPU " + c0;
        if (perf) {
            // threads, then processes, three times over: a slow moment of the host shows in one pair, not the medians
            int loops = (int) Math.max(2000, Math.min(200_000, slice / 15_000)), processLoops = 20_000;
            double[] thread = new double[ONE_CPU_RUNS], process = new double[ONE_CPU_RUNS];
            for (int i = 0; i < ONE_CPU_RUNS; i++) {
                thread[i] = 1000 * PerfBench.pipeUsPerOp(loops, true, Integer.toString(c0));
                process[i] = 1000 * PerfBench.pipeProcessUsPerOp(processLoops, Integer.toString(c0));
            }
            same = Stats.median(thread);
            sameProcess = Stats.median(process);
            sameMethod = "taskset -c " + c0 + " perf bench sched pipe -T -l " + loops + ", median of " + ONE_CPU_RUNS
                    + " runs alternating with the process-mode ones";
            put(m, "pipe_round_trip_same_cpu_process_ns", sameProcess, "taskset -c " + c0 + " perf bench sched pipe "
                    + "(process mode), total time at " + 2 * processLoops + " minus at " + processLoops + " loops, per loop; median of "
                    + ONE_CPU_RUNS + " runs alternating with the thread-mode ones");
        }
        put(m, "pipe_round_trip_same_cpu_ns", same, sameMethod);
        if (perf) put(m, "pipe_round_trip_same_cpu_probe_ns", javaSame, "java probe, both threads pinned to CPU " + c0);
        progress.println("calibrate: pipe write+read without wakeup");
        put(m, "pipe_write_read_ns", Probes.pipeSelfNs(slice), "java probe, one thread writes then reads its own pipe");

        Map<String, int[]> pairs = pairs(topo);
        Map<String, Double> cross = new LinkedHashMap<>();
        for (Map.Entry<String, int[]> e : pairs.entrySet()) {
            int a = e.getValue()[0], b = e.getValue()[1];
            progress.println("calibrate: " + e.getKey() + " CPUs " + a + "," + b + ": pipe round trip and cache-line transfer");
            double rt = Probes.pipeRoundTripNs(a, b, slice);
            put(m, "pipe_round_trip_" + e.getKey() + "_ns", rt, "java probe, threads pinned to CPUs " + a + " and " + b);
            cross.put(e.getKey(), rt);
            double line = Probes.lineTransferNs(a, b, slice);
            if (!Double.isNaN(line))
                put(m, "line_transfer_" + e.getKey() + "_ns", line, "java probe, spin ping-pong on one AtomicLong, CPUs " + a + " and " + b);
        }
        progress.println("calibrate: unpinned pipe round trip");
        put(m, "pipe_round_trip_unpinned_ns", Probes.pipeRoundTripNs(-1, -1, slice), "java probe, unpinned");
        if (perf) {
            int loops = (int) Math.max(2000, Math.min(200_000, slice / 15_000));
            put(m, "pipe_round_trip_unpinned_perf_ns", 1000 * PerfBench.pipeUsPerOp(loops, true, null),
                    "perf bench sched pipe -T -l " + loops);
        }

        CostModel c = CostModel.defaults();
        Map<String, String> comments = new LinkedHashMap<>();
        if (Probes.canPin()) {
            setTransfer(c, comments, m, "smt", "transferSmtNs");
            setTransfer(c, comments, m, "llc", "transferLlcNs");
            setTransfer(c, comments, m, "package", "transferPackageNs");
            setTransfer(c, comments, m, "remote", "transferRemoteNs");
        }
        progress.println("calibrate: unix socket write and read, one CPU and streaming across two");
        double[] sock = Probes.socketSelfNs(c0, SOCKET_BYTES, 1, 16, slice);
        put(m, "socket_send_ns", sock[0], "java probe, " + SOCKET_BYTES + "-byte writes to a unix stream socket, 16 at a time, pinned to CPU " + c0);
        put(m, "socket_recv_ns", sock[1], "java probe, " + SOCKET_BYTES + "-byte reads from a unix stream socket, 16 at a time, pinned to CPU " + c0);
        double[] deep = Probes.socketSelfNs(c0, SOCKET_BYTES, DEEP_SOCKETS, DEEP_MESSAGES, slice);
        String shape = DEEP_SOCKETS + " unix stream sockets holding " + DEEP_MESSAGES + " messages each, pinned to CPU " + c0;
        put(m, "socket_send_deep_ns", deep[0], "java probe, " + SOCKET_BYTES + "-byte writes to " + shape);
        put(m, "socket_recv_deep_ns", deep[1], "java probe, " + SOCKET_BYTES + "-byte reads from " + shape);
        c.socketSendNs = Math.max(0, Math.round(deep[0] - c.socketByteNs * SOCKET_BYTES));
        c.socketRecvNs = Math.max(0, Math.round(deep[1] - c.socketByteNs * SOCKET_BYTES));
        comments.put("socketSendNs", "measured: socket_send_deep_ns minus socketByteNs per byte (includes the JVM's per-call overhead)");
        comments.put("socketRecvNs", "measured: socket_recv_deep_ns minus socketByteNs per byte (includes the JVM's per-call overhead)");
        String near = pairs.containsKey("llc") ? "llc" : pairs.containsKey("smt") ? "smt" : null;
        if (near != null && Probes.canPin()) {
            int a = pairs.get(near)[0], b = pairs.get(near)[1];
            double stream = Probes.socketStreamNs(a, b, SOCKET_BYTES, slice);
            put(m, "socket_stream_" + near + "_ns", stream, "java probe, writer on CPU " + a + " streams " + SOCKET_BYTES
                    + "-byte messages to a reader on CPU " + b + ", neither blocks; busy time of both per message");
            double shared = Probes.socketSharedNs(a, b, SOCKET_BYTES, slice);
            put(m, "socket_shared_" + near + "_ns", shared, "java probe, threads on CPUs " + a + " and " + b
                    + " each write 16 then read 16 " + SOCKET_BYTES + "-byte messages on one unix socket at once; per message");
            long transfer = near.equals("llc") ? c.transferLlcNs : c.transferSmtNs;
            if (transfer > 0) {
                double extra = Math.max(0, shared - sock[0] - sock[1]);
                c.ipcRemoteLines = Math.round(extra / (2.0 * transfer) * 10) / 10.0;
                comments.put("ipcRemoteLines", "measured: (socket_shared_" + near + "_ns - send - recv) / (2 x transfer at that distance)");
            }
        }

        if (perf) {
            lifecycle(c, m, comments, progress);
            c.mmSwitchNs = Math.max(0, Math.round((sameProcess - same) / 2));
            comments.put("mmSwitchNs", "measured: (pipe_round_trip_same_cpu_process_ns - pipe_round_trip_same_cpu_ns) / 2 switches");
        }

        progress.println("calibrate: fitting the context switch and IPI latency with the model");
        double sameModel = modelRoundTripNs(c, "synthetic:cores=1");
        c.contextSwitchNs = Math.max(0, Math.round(c.contextSwitchNs + (same - sameModel) / 2));
        comments.put("contextSwitchNs", "fitted: model pipe round trip on one CPU = measured " + ns(same) + " ns (" + sameMethod + ")"
                + (c.contextSwitchNs == 0 ? "; clamped at 0" : ""));
        Double crossLlc = cross.containsKey("llc") ? cross.get("llc") : cross.get("smt");
        if (crossLlc != null && Probes.canPin()) {
            double target = same + (crossLlc - javaSame);
            double crossModel = modelRoundTripNs(c, "synthetic:cores=2");
            c.ipiLatencyNs = Math.max(0, Math.round(c.ipiLatencyNs + (target - crossModel) / 2));
            comments.put("ipiLatencyNs", "fitted: model pipe round trip across two CPUs = " + ns(target)
                    + " ns (one-CPU figure + java probe cross-minus-same)" + (c.ipiLatencyNs == 0 ? "; clamped at 0" : ""));
            put(m, "cross_cpu_wakeup_ns", (target - same) / 2 + c.contextSwitchNs + c.idleExitNs,
                    "derived: one-way cross-CPU hand-off minus pipe work = IPI latency + idle exit + context switch");
        }
        put(m, "context_switch_ns", c.contextSwitchNs, "derived: contextSwitchNs fitted above");
        List<String> header = List.of("schedlab cost profile measured by 'schedlab calibrate' on this machine.",
                "Constants without a comment keep the built-in default; 'measured' lists each figure and its method.");
        String text = CostProfile.write("calibrated", header, c, comments, host, m);
        return new Calibration(c, host, m, text);
    }

    /** The model's thread-mode pipe round trip (ns) on {@code topology} with write/read at their defaults. */
    public static double modelRoundTripNs(CostModel c, String topology) {
        RunSpec s = new RunSpec();
        s.topology = topology;
        s.policy = "linux-wake";
        s.workload = "pipe:loops=4000,mode=thread";
        s.durationFromWorkload = true;
        Runner.Prepared p = Runner.prepare(s);
        p.config.costs = c;
        return Runner.headlineValue(Runner.run(p, null)) * 1000;
    }

    /** One CPU pair per distance class the host has: first CPU 0 with the nearest CPU of that class. */
    static Map<String, int[]> pairs(Topology t) {
        Map<String, int[]> p = new LinkedHashMap<>();
        for (int b = 1; b < t.nrCpus(); b++) {
            String k = t.coreOf(0) == t.coreOf(b) ? "smt" : t.llcOf(0) == t.llcOf(b) ? "llc"
                    : t.packageOf(0) == t.packageOf(b) ? (t.nodeOf(0) == t.nodeOf(b) ? "package" : "node") : "remote";
            p.putIfAbsent(k, new int[]{t.osIndex(0), t.osIndex(b)});
        }
        return p;
    }

    private static void setTransfer(CostModel c, Map<String, String> comments, ObjectNode m, String cls, String field) {
        if (!m.has("line_transfer_" + cls + "_ns")) return;
        long v = Math.round(m.get("line_transfer_" + cls + "_ns").get("value").asDouble());
        try {
            CostModel.class.getField(field).setLong(c, v);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        comments.put(field, "measured: line_transfer_" + cls + "_ns (java spin ping-pong, pinned)");
    }

    private static void put(ObjectNode m, String key, double ns, String method) {
        ObjectNode o = m.putObject(key);
        o.put("value", Math.round(ns * 10) / 10.0);
        o.put("method", method);
    }

    private static String ns(double x) { return Long.toString(Math.round(x)); }

    private static String cpuModel() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (l.startsWith("model name")) return l.substring(l.indexOf(':') + 1).strip();
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
        return "unknown";
    }
}
