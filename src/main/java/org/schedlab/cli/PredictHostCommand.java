package org.schedlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.schedlab.InputError;
import org.schedlab.Units;
import org.schedlab.calibrate.Calibration;
import org.schedlab.calibrate.HostLoad;
import org.schedlab.calibrate.PerfBench;
import org.schedlab.calibrate.Priority;
import org.schedlab.calibrate.Samples;
import org.schedlab.cost.CostProfile;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.experiment.Stats;
import org.schedlab.workload.synthetic.Background;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code schedlab predict-host}: the model of {@code perf bench sched messaging -g G -l L} and
 * {@code perf bench sched pipe -l N} on topology {@code host} under {@code pull}, process mode and thread mode
 * ({@code -t}), beside the real benchmarks where perf works.
 *
 * <p>The model runs the machine as the real benchmark finds it: before each benchmark the CPUs other programs
 * keep busy (sampled while this command sleeps) and the share of the CPUs they still take from a program at the
 * benchmark's priority ({@link HostLoad}) are added to the model as background tasks ({@link Background}). Model figures are medians over seeds 1..repeat; real ones medians of
 * at least repeat runs, more (up to repeat + 8) while their median is uncertain by more than {@link Calibration#TARGET_ERROR}.
 *
 * <p>A shared host's speed also drifts over minutes (other virtual machines, memory pressure). Where the profile
 * holds calibrate's speed reference (the one-CPU {@code perf bench sched pipe -T}) each row measures it again
 * before its real runs and shows how far the host has moved since calibration ({@code drift}); a row beyond
 * {@link #MAX_DRIFT} is marked, as its ratio compares the model of one host with the runs of another.
 */
@Command(name = "predict-host", mixinStandardHelpOptions = true,
        description = "Model perf bench sched messaging and pipe on this machine and compare with the real benchmarks.")
public final class PredictHostCommand implements Callable<Integer> {
    @Option(names = "--costs", defaultValue = "default", paramLabel = "default|FILE|calibrate",
            description = "Cost profile, or 'calibrate' to measure one first (default ${DEFAULT-VALUE}).")
    String costs;
    @Option(names = "--budget", defaultValue = "10s", paramLabel = "D", description = "Calibration budget with --costs calibrate.")
    String budget;
    @Option(names = "--groups", defaultValue = "1,2,4", split = ",", paramLabel = "G,...")
    List<Integer> groups;
    @Option(names = "--loops", defaultValue = "200", description = "Messaging loops (perf's -l).")
    int loops;
    @Option(names = "--pipe-loops", defaultValue = "100000", description = "Pipe round trips (perf's -l).")
    int pipeLoops;
    @Option(names = "--repeat", defaultValue = "3", description = "Runs per figure (at least); medians are shown.")
    int repeat;
    @Option(names = "--no-real", description = "Model only, even where perf works.")
    boolean noReal;
    @Option(names = "--priority", defaultValue = "raised", paramLabel = "raised|normal",
            description = "Priority of the real benchmarks (and of calibrate's measuring): raised (nice -20, in a "
                    + "session of their own, where the host allows) or normal.")
    String priority;
    @Option(names = "--background", defaultValue = "auto", paramLabel = "auto|none|BUSY,STOLEN",
            description = "Other programs on the host: auto measures, before each benchmark, the CPUs they keep busy "
                    + "and the share of the CPUs they take at the benchmark's priority (default ${DEFAULT-VALUE}); "
                    + "none leaves them out; BUSY,STOLEN gives both (e.g. 2,0.03).")
    String background;

    /** Extra real runs allowed beyond --repeat while the spread is above the target. */
    static final int EXTRA_RUNS = 8;
    /** Speed drift since calibration beyond which a row's ratio is marked. */
    static final double MAX_DRIFT = 0.10;

    @Override public Integer call() throws Exception {
        if (repeat < 1) throw new InputError("--repeat: must be at least 1, got " + repeat);
        for (int g : groups) if (g < 1) throw new InputError("--groups: must be positive, got " + g);
        if (loops < 1 || pipeLoops < 1) throw new InputError("--loops/--pipe-loops: must be positive");
        Priority.Level level = MachineOptions.onOff("--priority", priority, "raised", "normal") ? Priority.best() : Priority.NORMAL;
        double[] fixedBackground = background.equals("auto") ? null : background.equals("none") ? new double[2] : parseBackground(background);
        String profile = costs;
        if (costs.equals("calibrate")) {
            Calibration c = Calibration.run(Units.parseDuration("--budget", budget), true, level, System.err);
            java.nio.file.Path tmp = java.nio.file.Files.createTempFile("schedlab-calibrated", ".yaml");
            tmp.toFile().deleteOnExit();
            java.nio.file.Files.writeString(tmp, c.text);
            profile = tmp.toString();
        } else if (costs.equals("none")) {
            throw new InputError("--costs: expected default, a profile file or calibrate, got 'none'");
        } else {
            CostProfile.resolve(costs);
        }
        boolean real = !noReal && PerfBench.available();
        PerfBench bench = new PerfBench(level);
        double reference = real ? reference(profile) : Double.NaN;
        String cpu0 = Integer.toString(org.schedlab.topology.TopologySources.resolve("host").osIndex(0));
        int[] drifted = {0};
        System.out.printf("costs %s; real benchmarks: %s; priority %s%n", costs,
                real ? "perf bench sched" : "not run (perf unavailable or --no-real)", level.description);
        System.out.printf("%-31s %5s %6s %10s %10s %7s %7s %5s %7s %12s %12s %7s%n", "benchmark", "busy", "stolen", "model",
                "real", "ratio", "spread", "runs", "drift", "switches(m)", "switches(r)", "ratio");
        for (boolean threads : new boolean[]{false, true}) {
            for (int g : groups) {
                String flag = threads ? " -t" : "";
                double[] busy = background(fixedBackground, level);
                double[] t = new double[repeat], sw = new double[repeat];
                for (int i = 0; i < repeat; i++) {
                    System.err.printf("predict-host: model messaging%s -g %d, seed %d%n", flag, g, i + 1);
                    JsonNode r = model(profile, "hackbench:groups=" + g + ",loops=" + loops + (threads ? ",mode=thread" : ""),
                            i + 1, busy);
                    t[i] = r.get("metrics").get("marks").get("run").get("latency_us").get("mean").asDouble() / 1e6;
                    sw[i] = r.get("metrics").get("context_switches").asDouble();
                }
                Samples realT = null;
                double realSw = Double.NaN, drift = Double.NaN;
                if (real) {
                    drift = drift(bench, reference, cpu0);
                    String what = "perf bench sched messaging" + flag + " -g " + g + " -l " + loops;
                    realT = realRuns(what, () -> bench.messagingSeconds(g, loops, threads, null));
                    double[] rs = new double[repeat];
                    for (int i = 0; i < repeat; i++) {
                        System.err.printf("predict-host: perf stat -e context-switches %s (%d/%d)%n", what, i + 1, repeat);
                        long n = bench.messaging(g, loops, threads).contextSwitches;
                        rs[i] = n < 0 ? Double.NaN : n;
                    }
                    realSw = Stats.median(rs);
                }
                row("messaging" + flag + " -g " + g + " -l " + loops + " (s)", busy, Stats.median(t), realT, drift, drifted,
                        Stats.median(sw), realSw);
            }
        }
        double[] busy = background(fixedBackground, level);
        double[] p = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            System.err.printf("predict-host: model pipe, seed %d%n", i + 1);
            p[i] = Runner.headlineValue(model(profile, "pipe:loops=" + pipeLoops, i + 1, busy));
        }
        double pipeDrift = real ? drift(bench, reference, cpu0) : Double.NaN;
        Samples realP = real ? realRuns("perf bench sched pipe -l " + pipeLoops, () -> bench.pipeUsPerOp(pipeLoops, false, null)) : null;
        row("pipe -l " + pipeLoops + " (us/op)", busy, Stats.median(p), realP, pipeDrift, drifted, Double.NaN, Double.NaN);
        if (real && Double.isNaN(reference))
            System.out.println("drift: the profile has no speed reference (calibrate with perf writes one)");
        if (drifted[0] > 0)
            System.out.printf(Locale.ROOT, "! %d row(s) ran while the host's one-CPU pipe round trip was more than %.0f%% "
                    + "off the profile's: the host's speed changed since calibration; their ratios compare two hosts%n",
                    drifted[0], 100 * MAX_DRIFT);
        return 0;
    }

    /** The profile's speed reference (ns), where calibrate measured it with perf; else NaN. */
    private static double reference(String profile) {
        if (profile.equals("default")) return Double.NaN;
        JsonNode m = CostProfile.measured(java.nio.file.Path.of(profile));
        JsonNode f = m == null ? null : m.get(Calibration.REFERENCE_FIGURE);
        if (f == null || !f.path("method").asText().startsWith("taskset") || !f.path("method").asText()
                .contains("-l " + Calibration.REFERENCE_LOOPS)) return Double.NaN;
        return f.path("value").asDouble(Double.NaN);
    }

    /** The host's speed now against the reference: median of three reference runs over it, minus 1. */
    private double drift(PerfBench bench, double reference, String cpu) throws java.io.IOException, InterruptedException {
        if (Double.isNaN(reference)) return Double.NaN;
        double[] r = new double[3];
        for (int i = 0; i < r.length; i++) r[i] = 1000 * bench.pipeUsPerOp(Calibration.REFERENCE_LOOPS, true, cpu);
        return Stats.median(r) / reference - 1;
    }

    private interface RealRun { double once() throws java.io.IOException, InterruptedException; }

    /** At least --repeat runs of a real benchmark, more while their spread is above the target. */
    private Samples realRuns(String what, RealRun run) throws java.io.IOException, InterruptedException {
        int[] n = {0};
        return Samples.rounds(1, () -> {
            System.err.printf("predict-host: %s (run %d)%n", what, ++n[0]);
            return new double[]{run.once()};
        }, repeat, repeat + EXTRA_RUNS, 2, Calibration.TARGET_ERROR)[0];
    }

    /** Seconds the share other programs take is measured for. */
    static final double STOLEN_SECONDS = 2;

    /**
     * {busy CPUs, stolen share} of other programs: the given figures, else the busy CPUs sampled for half a second
     * and the share measured at the benchmarks' priority (0 where it cannot be).
     */
    private static double[] background(double[] fixed, Priority.Level level) throws InterruptedException {
        if (fixed != null) return fixed;
        double b = HostLoad.busyCpus(500_000_000L);
        int cpus = org.schedlab.topology.TopologySources.resolve("host").nrCpus();
        double s = PerfBench.available() ? HostLoad.stolenShare(level, cpus, STOLEN_SECONDS) : Double.NaN;
        return new double[]{Double.isNaN(b) ? 0 : b, Double.isNaN(s) ? 0 : s};
    }

    private static double[] parseBackground(String v) {
        String[] f = v.split(",", -1);
        try {
            if (f.length == 2) {
                double b = Double.parseDouble(f[0]), s = Double.parseDouble(f[1]);
                if (b >= 0 && b <= 65536 && s >= 0 && s <= 1) return new double[]{b, s};
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new InputError("--background: expected auto, none or BUSY,STOLEN (busy CPUs, and a share of 0 to 1), got '" + v + "'");
    }

    private static JsonNode model(String profile, String workload, long seed, double[] background) {
        RunSpec s = RunSpec.of("host", "pull", workload, 600_000_000_000L, seed);
        CostsOption.apply(profile, s);
        Runner.Prepared p = Runner.prepare(s);
        Background.addHost(p.workload, Math.min(background[0], p.topology.nrCpus()), background[1], p.topology.nrCpus());
        return Runner.run(p, null);
    }

    private static void row(String name, double[] busy, double model, Samples real, double drift, int[] drifted,
                            double swModel, double swReal) {
        double r = real == null ? Double.NaN : real.median();
        boolean off = Math.abs(drift) > MAX_DRIFT;
        if (off) drifted[0]++;
        System.out.printf("%-31s %5s %6s %10s %10s %7s %7s %5s %7s %12s %12s %7s%n", name, String.format(Locale.ROOT, "%.2f", busy[0]),
                String.format(Locale.ROOT, "%.1f%%", 100 * busy[1]), fmt(model), fmt(r), ratio(model, r) + (off ? "!" : ""),
                real == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100 * real.spread()),
                real == null ? "-" : Integer.toString(real.runs()),
                Double.isNaN(drift) ? "-" : String.format(Locale.ROOT, "%+.0f%%", 100 * drift),
                count(swModel), count(swReal), ratio(swModel, swReal));
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format(Locale.ROOT, "%.2f", a / b);
    }

    private static String count(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.0f", x);
    }

    private static String fmt(double x) {
        if (Double.isNaN(x)) return "-";
        return Math.abs(x) >= 1000 ? String.format(Locale.ROOT, "%.0f", x) : String.format(Locale.ROOT, "%.3f", x);
    }
}
