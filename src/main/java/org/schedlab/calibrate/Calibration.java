package org.schedlab.calibrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.InputError;
import org.schedlab.cost.CostModel;
import org.schedlab.cost.CostProfile;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.topology.Topology;
import org.schedlab.topology.TopologySources;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Measures the running machine and turns the figures into a cost profile over the built-in default.
 *
 * <p>Measuring. Every figure is measured in rounds (each round measures the figures of one group once, in turn,
 * so that a slow moment of the host touches all of them): {@link #MIN_ROUNDS} rounds, then {@link #ROUND_STEP}
 * more at a time while a figure's median is uncertain by more than {@link #TARGET_ERROR} (its standard error
 * estimated from the spread, the interquartile range over the median: {@link Samples}), up to
 * {@link #MAX_ROUNDS}. The value is the median, and the profile's {@code measured} section gives each figure's
 * value, spread, error, runs and method. A figure a constant is taken from whose error is still above
 * {@link #TRUST_ERROR} (or {@code --max-error}) makes calibrate refuse to write a profile. Where the host allows it, the
 * measuring runs at raised priority ({@link Priority}) in a child JVM of its own, so that other programs take
 * little CPU time from it; the fitting runs at the caller's.
 *
 * <p>Figures: the pipe round trip on one CPU ({@code perf bench sched pipe -T} under {@code taskset}, else the
 * Java probe pinned), the pipe round trip between two CPUs of each distance the host has (SMT sibling, same LLC,
 * other LLC, other package; Java probe with both threads pinned), unpinned round trips, one pipe write+read
 * without a wakeup, cache-line transfer by distance (Java spin ping-pong, pinned), unix socket write and read on one
 * CPU and on one socket used from two CPUs at once (Java probes, pinned), and where perf works the process-mode
 * pipe on one CPU and the lifecycle of a forked copy of perf (parent's fork, child's start, child's exit).
 *
 * <p>Mapping. {@code transfer*Ns} = the line transfer measured at that distance. {@code contextSwitchNs} and
 * {@code ipiLatencyNs} are fitted with the model itself: the model's thread-mode pipe on one CPU and on two CPUs
 * of one LLC is run with the candidate profile, and each constant moves by half the gap between measured and
 * modelled round trip (each enters a round trip twice; one step is exact because the model is linear in them,
 * unless the result would be negative, then 0). On one CPU a round trip is 2 × (write + read + wakeup call +
 * context switch); across CPUs 2 × (write + IPI latency + idle exit + context switch + read). The cross-CPU
 * figure used is the one-CPU figure plus the probe's (cross − same) difference, so both come from one method.
 * {@code socketSendNs}/{@code socketRecvNs} = the socket probe minus the per-byte part; {@code ipcRemoteLines} =
 * (shared-socket figure − write − read) / (2 × line transfer); {@code mmSwitchNs} = (process-mode − thread-mode
 * one-CPU round trip) / 2 switches; {@code processForkNs}, {@code processStartNs} and {@code processExitNs} = the
 * perf lifecycle per child. Everything else keeps the default.
 */
public final class Calibration {
    /** Children of {@code perf bench sched messaging -g 1}: 20 senders and 20 receivers. */
    static final int MESSAGING_CHILDREN = 40;
    /** hackbench's shape: a group's 20 receivers' sockets, each holding most of its 238 messages. */
    static final int DEEP_SOCKETS = 20, DEEP_MESSAGES = 200;
    /** hackbench's message size. */
    static final int SOCKET_BYTES = 100;
    /**
     * Round trips of the one-CPU {@code perf bench sched pipe -T}, the host's speed reference: predict-host runs it
     * again to see whether the host is as fast as when it was calibrated.
     */
    public static final int REFERENCE_LOOPS = 20_000;
    /** The profile's figure of that reference, where perf measured it. */
    public static final String REFERENCE_FIGURE = "pipe_round_trip_same_cpu_ns";
    /** Round trips of {@code perf bench sched pipe} in process mode: the slope between this and twice this. */
    static final int PROCESS_LOOPS = 20_000;
    public static final int MIN_ROUNDS = 3, MAX_ROUNDS = 21, ROUND_STEP = 2;
    /** Below this error (relative standard error of the median) a figure needs no more rounds. */
    public static final double TARGET_ERROR = 0.03;
    /** Above this error (after {@link #MAX_ROUNDS}) a figure a constant is taken from is not trusted. */
    public static final double TRUST_ERROR = 0.10;

    public final CostModel costs;
    public final ObjectNode host, measured;
    public final String text;

    private Calibration(CostModel costs, ObjectNode host, ObjectNode measured, String text) {
        this.costs = costs;
        this.host = host;
        this.measured = measured;
        this.text = text;
    }

    /**
     * Measures the host (in a child JVM at {@code priority} when that is raised) and fits the profile.
     *
     * @param usePerf whether to use {@code perf} when it works; {@code budgetNs} bounds the Java probes' time per round
     * @throws InputError when a figure could not be measured or is not to be trusted
     */
    public static Calibration run(long budgetNs, boolean usePerf, Priority.Level priority, PrintStream progress)
            throws IOException, InterruptedException {
        return run(budgetNs, usePerf, priority, TRUST_ERROR, progress);
    }

    /** {@link #run(long, boolean, Priority.Level, PrintStream)} trusting figures whose error is at most {@code maxError}. */
    public static Calibration run(long budgetNs, boolean usePerf, Priority.Level priority, double maxError, PrintStream progress)
            throws IOException, InterruptedException {
        ObjectNode doc;
        try {
            doc = priority.raised() ? MeasureChild.measure(priority, budgetNs, usePerf, progress)
                    : measure(budgetNs, usePerf, priority.description, progress);
        } catch (IOException e) {
            throw failed(e);
        }
        return fit((ObjectNode) doc.get("host"), (ObjectNode) doc.get("measured"), maxError, progress);
    }

    /** A measurement that could not be made, as the one line calibrate ends with. */
    static InputError failed(IOException e) {
        return new InputError("calibrate: a measurement failed: " + e.getMessage() + "; no profile written");
    }

    /** The measured figures of one calibration: {@code host} and {@code measured} (see the class comment). */
    static ObjectNode measure(long budgetNs, boolean usePerf, String priority, PrintStream progress)
            throws IOException, InterruptedException {
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
        host.put("priority", priority);
        double busy = HostLoad.busyCpus(500_000_000L);
        if (!Double.isNaN(busy)) host.put("busy_cpus_before", Math.round(busy * 100) / 100.0);

        Figures m = new Figures(f.objectNode(), progress);
        // the priority is the caller's: this runs either in-process or in a raised child
        PerfBench bench = new PerfBench(Priority.NORMAL);
        long slice = Math.max(budgetNs / 10, 2_000_000L), call = Math.max(slice / MIN_ROUNDS, 1_000_000L);
        int c0 = topo.osIndex(0);
        String cpu0 = Integer.toString(c0);
        progress.println("calibrate: pipe round trip on one CPU (" + (perf ? "perf threads and processes, and " : "") + "probe)");
        String probeSame = "java probe, both threads pinned to CPU " + c0;
        if (perf) {
            int loops = REFERENCE_LOOPS;
            Samples[] s = m.rounds("pipe on one CPU", 4, () -> {
                double thread = 1000 * bench.pipeUsPerOp(loops, true, cpu0);
                double process = 1000 * bench.pipeProcessUsPerOp(PROCESS_LOOPS, cpu0);
                return new double[]{thread, process, process - thread, Probes.pipeRoundTripNs(c0, c0, call)};
            });
            String alternating = ", in rounds with the process-mode and probe runs";
            m.put("pipe_round_trip_same_cpu_ns", s[0], "taskset -c " + c0 + " perf bench sched pipe -T -l " + loops + alternating);
            m.put("pipe_round_trip_same_cpu_process_ns", s[1], "taskset -c " + c0 + " perf bench sched pipe (process mode), "
                    + "total time at " + 2 * PROCESS_LOOPS + " minus at " + PROCESS_LOOPS + " loops, per loop");
            m.put("pipe_process_extra_ns", s[2], "process-mode - thread-mode round trip on CPU " + c0 + ", per round");
            m.put("pipe_round_trip_same_cpu_probe_ns", s[3], probeSame);
        } else {
            m.put("pipe_round_trip_same_cpu_ns", m.rounds("pipe on one CPU", 1,
                    () -> new double[]{Probes.pipeRoundTripNs(c0, c0, call)})[0], probeSame);
        }
        progress.println("calibrate: pipe write+read without wakeup");
        m.put("pipe_write_read_ns", m.recorded("pipe write+read", 1, () -> new double[]{Probes.pipeSelfNs(call)})[0],
                "java probe, one thread writes then reads its own pipe");

        Map<String, int[]> pairs = pairs(topo);
        for (Map.Entry<String, int[]> e : pairs.entrySet()) {
            int a = e.getValue()[0], b = e.getValue()[1];
            progress.println("calibrate: " + e.getKey() + " CPUs " + a + "," + b + ": pipe round trip and cache-line transfer");
            Samples[] s = m.rounds(e.getKey() + " pair", 2, () -> new double[]{Probes.pipeRoundTripNs(a, b, call),
                    Probes.lineTransferNs(a, b, call)});
            m.put("pipe_round_trip_" + e.getKey() + "_ns", s[0], "java probe, threads pinned to CPUs " + a + " and " + b);
            if (!s[1].hasNaN())
                m.put("line_transfer_" + e.getKey() + "_ns", s[1], "java probe, spin ping-pong on one AtomicLong, CPUs " + a + " and " + b);
        }
        progress.println("calibrate: unpinned pipe round trip");
        int unpinnedLoops = (int) Math.max(2000, Math.min(200_000, call / 15_000));
        Samples[] u = m.recorded("unpinned pipe", perf ? 2 : 1, () -> perf
                ? new double[]{Probes.pipeRoundTripNs(-1, -1, call), 1000 * bench.pipeUsPerOp(unpinnedLoops, true, null)}
                : new double[]{Probes.pipeRoundTripNs(-1, -1, call)});
        m.put("pipe_round_trip_unpinned_ns", u[0], "java probe, unpinned");
        if (perf) m.put("pipe_round_trip_unpinned_perf_ns", u[1], "perf bench sched pipe -T -l " + unpinnedLoops);

        progress.println("calibrate: unix socket write and read, one CPU and across two");
        Samples[] sock = m.rounds("unix socket", 4, () -> {
            double[] one = Probes.socketSelfNs(c0, SOCKET_BYTES, 1, 16, call);
            double[] deep = Probes.socketSelfNs(c0, SOCKET_BYTES, DEEP_SOCKETS, DEEP_MESSAGES, call);
            return new double[]{one[0], one[1], deep[0], deep[1]};
        });
        String shape = DEEP_SOCKETS + " unix stream sockets holding " + DEEP_MESSAGES + " messages each, pinned to CPU " + c0;
        m.put("socket_send_ns", sock[0], "java probe, " + SOCKET_BYTES + "-byte writes to a unix stream socket, 16 at a time, pinned to CPU " + c0);
        m.put("socket_recv_ns", sock[1], "java probe, " + SOCKET_BYTES + "-byte reads from a unix stream socket, 16 at a time, pinned to CPU " + c0);
        m.put("socket_send_deep_ns", sock[2], "java probe, " + SOCKET_BYTES + "-byte writes to " + shape);
        m.put("socket_recv_deep_ns", sock[3], "java probe, " + SOCKET_BYTES + "-byte reads from " + shape);
        String near = nearPair(pairs);
        if (near != null && Probes.canPin()) {
            int a = pairs.get(near)[0], b = pairs.get(near)[1];
            m.put("socket_shared_" + near + "_ns", m.rounds("shared socket", 1,
                    () -> new double[]{Probes.socketSharedNs(a, b, SOCKET_BYTES, call)})[0], "java probe, threads on CPUs " + a
                    + " and " + b + " each write 16 then read 16 " + SOCKET_BYTES + "-byte messages on one unix socket at once; per message");
            try {
                m.put("socket_stream_" + near + "_ns", m.rounds("socket stream", 1,
                        () -> new double[]{Probes.socketStreamNs(a, b, SOCKET_BYTES, call)})[0], "java probe, writer on CPU "
                        + a + " streams " + SOCKET_BYTES + "-byte messages to a reader on CPU " + b
                        + ", neither blocks; busy time of both per message");
            } catch (IOException e) {
                // the shared-socket figure stands in for it
                progress.println("calibrate: socket stream across two CPUs not measured (" + e.getMessage() + "); using the shared socket");
            }
        }
        if (perf) lifecycle(bench, m, cpu0, progress);
        ObjectNode doc = f.objectNode();
        doc.set("host", host);
        doc.set("measured", m.node);
        return doc;
    }

    /**
     * The extra cost of a forked child of perf over a thread, split where it is paid, from
     * {@code perf bench sched messaging -g 1 -l 1} (40 children, 20 messages each) in process and thread mode. The
     * parent's per fork ({@code processForkNs}): the main thread's CPU time ({@code perf stat -e task-clock
     * --no-inherit}), process − thread mode, per child. The child's in all: every task's CPU time (with inherit)
     * minus the main thread's, process − thread mode, per child. The child's from perf's start gate to its end
     * ({@code processExitNs}): the time perf prints under {@code taskset -c CPU} (one CPU, so its wall time is the
     * CPU time of everything in it), process − thread mode, per child. The child's start ({@code processStartNs}):
     * the rest of its extra. Where perf stat cannot count, the wall-clock difference of {@code perf bench sched
     * pipe -l 1} (one child) goes to the child's exit.
     */
    private static void lifecycle(PerfBench bench, Figures m, String cpu, PrintStream progress)
            throws IOException, InterruptedException {
        progress.println("calibrate: lifecycle of a forked perf process");
        Samples fork;
        try {
            fork = m.rounds("perf fork", 1, () -> new double[]{(bench.messagingTaskClockMs(1, 1, false, false)
                    - bench.messagingTaskClockMs(1, 1, true, false)) * 1e6 / MESSAGING_CHILDREN})[0];
        } catch (IOException e) {
            if (!e.getMessage().contains("could not count")) throw e;
            Samples[] p = m.rounds("perf pipe lifecycle", 1,
                    () -> new double[]{(bench.pipeTotalSeconds(1, false) - bench.pipeTotalSeconds(1, true)) * 1e9});
            m.put("process_lifecycle_ns", p[0], "perf bench sched pipe -l 1, process mode (one forked child) - thread mode");
            return;
        }
        double forkNs = fork.median();
        Samples[] s = m.rounds("perf children", 3, () -> {
            double all = (bench.messagingTaskClockMs(1, 1, false, true) - bench.messagingTaskClockMs(1, 1, true, true)) * 1e6;
            double p1 = bench.messagingSeconds(1, 1, false, cpu), t1 = bench.messagingSeconds(1, 1, true, cpu);
            double pn = bench.messagingSeconds(1, 1, false, null), tn = bench.messagingSeconds(1, 1, true, null);
            return new double[]{all / MESSAGING_CHILDREN - forkNs, (p1 - t1) * 1e9 / MESSAGING_CHILDREN,
                    (pn - tn) * 1e9 / MESSAGING_CHILDREN};
        });
        String runs = "perf bench sched messaging -g 1 -l 1, process mode - thread mode, per child";
        String oneCpu = "taskset -c " + cpu + " (one CPU: its time is CPU time), time perf prints (start gate to reap), ";
        m.put("process_fork_ns", fork, "perf stat -e task-clock --no-inherit (perf's main thread), " + runs);
        m.put("process_child_ns", s[0], "perf stat -e task-clock of every task, " + runs + ", minus process_fork_ns");
        m.put("process_exit_ns", s[1], oneCpu + runs);
        m.put("process_exit_all_cpus_ns", s[2], "every CPU, time perf prints (start gate to reap), " + runs);
    }

    /** Fits the profile to the figures; refuses (one line) when a figure a constant comes from is not trusted. */
    static Calibration fit(ObjectNode host, ObjectNode measured, PrintStream progress) {
        return fit(host, measured, TRUST_ERROR, progress);
    }

    /** {@link #fit(ObjectNode, ObjectNode, PrintStream)} trusting figures whose error is at most {@code maxError}. */
    static Calibration fit(ObjectNode host, ObjectNode measured, double maxError, PrintStream progress) {
        Figures m = new Figures(measured, progress);
        // the host's figures already include its own boost, which is not measured: a fitted profile has none
        CostModel c = CostModel.defaults().withoutBoost();
        Map<String, String> comments = new LinkedHashMap<>();
        Map<String, int[]> pairs = new LinkedHashMap<>();
        for (String cls : new String[]{"smt", "llc", "package", "node", "remote"})
            if (m.has("pipe_round_trip_" + cls + "_ns")) pairs.put(cls, null);
        String near = nearPair(pairs);
        boolean pinned = host.path("pinning").asText().startsWith("taskset");
        List<String> used = new ArrayList<>(List.of("pipe_round_trip_same_cpu_ns", "socket_send_deep_ns", "socket_recv_deep_ns"));
        if (pinned) {
            for (String cls : new String[]{"smt", "llc", "package", "remote"}) if (m.has("line_transfer_" + cls + "_ns")) used.add("line_transfer_" + cls + "_ns");
            if (near != null) used.addAll(List.of("pipe_round_trip_" + near + "_ns", m.has("socket_stream_" + near + "_ns")
                    ? "socket_stream_" + near + "_ns" : "socket_shared_" + near + "_ns", "socket_send_ns", "socket_recv_ns"));
        }
        for (String k : new String[]{"pipe_process_extra_ns", "process_fork_ns", "process_child_ns", "process_exit_ns",
                "process_exit_all_cpus_ns", "process_lifecycle_ns"})
            if (m.has(k)) used.add(k);
        if (m.has("pipe_round_trip_same_cpu_probe_ns") && pinned && near != null) used.add("pipe_round_trip_same_cpu_probe_ns");
        m.requireTrusted(used, maxError);

        if (pinned) {
            setTransfer(c, comments, m, "smt", "transferSmtNs");
            setTransfer(c, comments, m, "llc", "transferLlcNs");
            setTransfer(c, comments, m, "package", "transferPackageNs");
            setTransfer(c, comments, m, "remote", "transferRemoteNs");
        }
        c.socketSendNs = Math.max(0, Math.round(m.value("socket_send_deep_ns") - c.socketByteNs * SOCKET_BYTES));
        c.socketRecvNs = Math.max(0, Math.round(m.value("socket_recv_deep_ns") - c.socketByteNs * SOCKET_BYTES));
        comments.put("boostAllCores", "off: the host's own boost is in its measured figures");
        comments.put("boostAllThreads", "off: the host's own boost is in its measured figures");
        comments.put("socketSendNs", "measured: socket_send_deep_ns minus socketByteNs per byte (includes the JVM's per-call overhead)");
        comments.put("socketRecvNs", "measured: socket_recv_deep_ns minus socketByteNs per byte (includes the JVM's per-call overhead)");
        // a writer on one CPU and a reader on another is the shape of the model's cross-CPU cost (each operation
        // after one on the other CPU); one socket written and read from both CPUs at once stands in where the
        // streaming probe could not finish
        String cross = near == null ? null : m.has("socket_stream_" + near + "_ns") ? "socket_stream_" + near + "_ns"
                : "socket_shared_" + near + "_ns";
        if (cross != null && pinned && m.has(cross)) {
            long transfer = near.equals("llc") ? c.transferLlcNs : c.transferSmtNs;
            if (transfer > 0) {
                double extra = Math.max(0, m.value(cross) - m.value("socket_send_ns") - m.value("socket_recv_ns"));
                c.ipcRemoteLines = Math.round(extra / (2.0 * transfer) * 10) / 10.0;
                comments.put("ipcRemoteLines", "measured: (" + cross + " - send - recv) / (2 x transfer at that distance)");
            }
        }
        if (m.has("pipe_process_extra_ns")) {
            c.mmSwitchNs = Math.max(0, Math.round(m.value("pipe_process_extra_ns") / 2));
            comments.put("mmSwitchNs", "measured: pipe_process_extra_ns / 2 switches (process-mode - thread-mode pipe round trip on one CPU)");
        }
        if (m.has("process_fork_ns")) {
            double exit = Math.max(0, m.value("process_exit_ns"));
            c.processForkNs = Math.max(0, Math.round(m.value("process_fork_ns")));
            c.processExitNs = Math.round(exit);
            c.processStartNs = Math.max(0, Math.round(m.value("process_child_ns") - exit));
            comments.put("processForkNs", "measured: process_fork_ns (perf's own fork of a messaging child)");
            comments.put("processStartNs", "measured: process_child_ns - process_exit_ns (the child's copy-on-write faults before perf's start gate)");
            comments.put("processExitNs", "measured: process_exit_ns (the child's work from perf's start gate to its end: its exit)");
            if (m.has("process_exit_all_cpus_ns") && c.processExitNs > 0 && host.path("cpus").asInt(1) > 1) {
                double target = m.value("process_exit_all_cpus_ns");
                c.processExitShared = fitExitShared(c, hostTopology(host), target);
                comments.put("processExitShared", "fitted: model perf bench sched messaging -g 1 -l 1 on every CPU, process - thread mode,"
                        + " per child = measured " + ns(target) + " ns (process_exit_all_cpus_ns)");
            }
        } else if (m.has("process_lifecycle_ns")) {
            c.processExitNs = Math.max(0, Math.round(m.value("process_lifecycle_ns")));
            comments.put("processExitNs", "measured: process_lifecycle_ns (fork and exit of a copy of perf, all charged at exit; perf stat could not count)");
        }

        progress.println("calibrate: fitting the context switch and IPI latency with the model");
        double same = m.value("pipe_round_trip_same_cpu_ns");
        double sameModel = modelRoundTripNs(c, "synthetic:cores=1");
        c.contextSwitchNs = Math.max(0, Math.round(c.contextSwitchNs + (same - sameModel) / 2));
        comments.put("contextSwitchNs", "fitted: model pipe round trip on one CPU = measured " + ns(same) + " ns ("
                + m.method("pipe_round_trip_same_cpu_ns") + ")" + (c.contextSwitchNs == 0 ? "; clamped at 0" : ""));
        if (near != null && pinned) {
            double javaSame = m.has("pipe_round_trip_same_cpu_probe_ns") ? m.value("pipe_round_trip_same_cpu_probe_ns") : same;
            double target = same + (m.value("pipe_round_trip_" + near + "_ns") - javaSame);
            double crossModel = modelRoundTripNs(c, "synthetic:cores=2");
            c.ipiLatencyNs = Math.max(0, Math.round(c.ipiLatencyNs + (target - crossModel) / 2));
            comments.put("ipiLatencyNs", "fitted: model pipe round trip across two CPUs = " + ns(target)
                    + " ns (one-CPU figure + java probe cross-minus-same)" + (c.ipiLatencyNs == 0 ? "; clamped at 0" : ""));
            m.putDerived("cross_cpu_wakeup_ns", (target - same) / 2 + c.contextSwitchNs + c.idleExitNs,
                    "derived: one-way cross-CPU hand-off minus pipe work = IPI latency + idle exit + context switch");
        }
        m.putDerived("context_switch_ns", c.contextSwitchNs, "derived: contextSwitchNs fitted above");
        List<String> header = List.of("schedlab cost profile measured by 'schedlab calibrate' on this machine.",
                "Constants without a comment keep the built-in default; 'measured' lists each figure with its median",
                "over repeated runs, its spread (interquartile range over median), the median's error (its standard",
                "error over it), the runs and the method.");
        String text = CostProfile.write("calibrated", header, c, comments, host, measured);
        return new Calibration(c, host, measured, text);
    }

    /** The figures of a calibration as the profile's {@code measured} mapping, with their rounds measured here. */
    static final class Figures {
        final ObjectNode node;
        private final PrintStream progress;

        Figures(ObjectNode node, PrintStream progress) {
            this.node = node;
            this.progress = progress;
        }

        Samples[] rounds(String what, int figures, Samples.Round round) throws IOException, InterruptedException {
            return rounds(what, figures, round, MAX_ROUNDS);
        }

        /** {@link #MIN_ROUNDS} rounds of figures no constant is taken from. */
        Samples[] recorded(String what, int figures, Samples.Round round) throws IOException, InterruptedException {
            return rounds(what, figures, round, MIN_ROUNDS);
        }

        private Samples[] rounds(String what, int figures, Samples.Round round, int max) throws IOException, InterruptedException {
            Samples[] s = Samples.rounds(figures, round, MIN_ROUNDS, max, ROUND_STEP, TARGET_ERROR);
            if (s[0].runs() > MIN_ROUNDS) progress.println("calibrate: " + what + ": " + s[0].runs() + " rounds (a median "
                    + "uncertain by more than " + percent(TARGET_ERROR) + " after " + MIN_ROUNDS + ")");
            return s;
        }

        void put(String key, Samples s, String method) {
            ObjectNode o = node.putObject(key);
            o.put("value", round1(s.median()));
            o.put("spread", Math.round(s.spread() * 1000) / 1000.0);
            o.put("error", Math.round(s.error() * 1000) / 1000.0);
            o.put("runs", s.runs());
            o.put("method", method + "; median of " + s.runs() + " runs");
        }

        void putDerived(String key, double ns, String method) {
            ObjectNode o = node.putObject(key);
            o.put("value", round1(ns));
            o.put("method", method);
        }

        boolean has(String key) { return node.has(key); }

        double value(String key) {
            JsonNode v = node.path(key).path("value");
            if (!v.isNumber()) throw new InputError("calibrate: figure " + key + " is missing");
            return v.asDouble();
        }

        String method(String key) { return node.path(key).path("method").asText(); }

        /** One line naming every figure in {@code keys} whose error is above {@code maxError}, or nothing. */
        void requireTrusted(List<String> keys, double maxError) {
            List<String> bad = new ArrayList<>();
            for (String k : keys) {
                JsonNode o = node.get(k);
                if (o != null && o.path("error").asDouble(0) > maxError)
                    bad.add(k + " median uncertain by " + percent(o.get("error").asDouble()) + " (spread "
                            + percent(o.path("spread").asDouble()) + " over " + o.path("runs").asInt() + " runs)");
            }
            if (!bad.isEmpty())
                throw new InputError("calibrate: the host is too noisy to trust: " + String.join(", ", bad) + ", at most "
                        + percent(maxError) + " allowed (--max-error); no profile written");
        }
    }

    private static String percent(double x) { return String.format(Locale.ROOT, "%.1f%%", 100 * x); }

    private static double round1(double x) { return Math.round(x * 10) / 10.0; }

    /** The model's thread-mode pipe round trip (ns) on {@code topology} with write/read at their defaults. */
    public static double modelRoundTripNs(CostModel c, String topology) {
        Runner.Prepared p = Runner.prepare(RunSpec.toCompletion(topology, "linux-wake", "pipe:loops=4000,mode=thread"));
        p.config.costs = c;
        return Runner.headlineValue(Runner.run(p, null)) * 1000;
    }

    /**
     * The share of the exit siblings do one at a time that makes the model's {@code perf bench sched messaging -g 1
     * -l 1} on {@code topology} (process − thread mode, per child) take {@code targetNs}: bisection, the model's
     * time growing with the share.
     */
    static double fitExitShared(CostModel c, String topology, double targetNs) {
        CostModel k = CostProfile.copy(c);
        // the thread-mode run has no exit to share: its time is the same at every share
        double thread = modelMessagingSeconds(k, topology, "thread"), lo = 0, hi = 1;
        java.util.function.DoubleUnaryOperator exitAt = share -> {
            k.processExitShared = share;
            return exitPerChildNs(modelMessagingSeconds(k, topology, "process"), thread);
        };
        if (exitAt.applyAsDouble(0) >= targetNs) return 0;
        if (exitAt.applyAsDouble(1) <= targetNs) return 1;
        for (int i = 0; i < 12; i++) {
            double mid = (lo + hi) / 2;
            if (exitAt.applyAsDouble(mid) < targetNs) lo = mid;
            else hi = mid;
        }
        return Math.round((lo + hi) / 2 * 1000) / 1000.0;
    }

    /** The model's messaging -g 1 -l 1, process − thread mode, per child (ns). */
    static double modelExitPerChildNs(CostModel c, String topology) {
        return exitPerChildNs(modelMessagingSeconds(c, topology, "process"), modelMessagingSeconds(c, topology, "thread"));
    }

    private static double exitPerChildNs(double processS, double threadS) {
        return (processS - threadS) * 1e9 / MESSAGING_CHILDREN;
    }

    /** The time the model's {@code perf bench sched messaging -g 1 -l 1} in {@code mode} prints (s). */
    private static double modelMessagingSeconds(CostModel c, String topology, String mode) {
        Runner.Prepared p = Runner.prepare(RunSpec.toCompletion(topology, "pull", "hackbench:groups=1,loops=1,mode=" + mode));
        p.config.costs = c;
        return Runner.headlineValue(Runner.run(p, null));
    }

    /** The host as a regular synthetic machine of its counts (one LLC of all its CPUs where they do not divide). */
    static String hostTopology(JsonNode host) {
        int cpus = host.path("cpus").asInt(1), cores = host.path("cores").asInt(cpus), llcs = host.path("llcs").asInt(1);
        int nodes = host.path("nodes").asInt(1), packages = host.path("packages").asInt(1);
        if (cpus % cores != 0 || cores % llcs != 0 || llcs % nodes != 0 || nodes % packages != 0)
            return "synthetic:cores=" + cpus;
        return "synthetic:packages=" + packages + ",nodes=" + nodes / packages + ",llcs=" + llcs / nodes
                + ",cores=" + cores / llcs + ",smt=" + cpus / cores;
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

    /** The pair the cross-CPU socket and wakeup figures use: the same LLC, else SMT siblings, else none. */
    private static String nearPair(Map<String, int[]> pairs) {
        return pairs.containsKey("llc") ? "llc" : pairs.containsKey("smt") ? "smt" : null;
    }

    private static void setTransfer(CostModel c, Map<String, String> comments, Figures m, String cls, String field) {
        if (!m.has("line_transfer_" + cls + "_ns")) return;
        long v = Math.round(m.value("line_transfer_" + cls + "_ns"));
        try {
            CostModel.class.getField(field).setLong(c, v);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
        comments.put(field, "measured: line_transfer_" + cls + "_ns (java spin ping-pong, pinned)");
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
