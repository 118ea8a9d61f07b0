package org.schedlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.schedlab.InputError;
import org.schedlab.Units;
import org.schedlab.cost.CostProfile;
import org.schedlab.calibrate.Calibration;
import org.schedlab.calibrate.PerfBench;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.experiment.Stats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code schedlab predict-host}: the model of {@code perf bench sched messaging -g G -l L} and
 * {@code perf bench sched pipe -l N} on topology {@code host} under {@code pull}, process mode and thread mode
 * ({@code -t}), beside the real benchmarks where perf works.
 * Model figures are medians over seeds 1..repeat, real ones medians over repeat runs.
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
    @Option(names = "--repeat", defaultValue = "3", description = "Runs per figure; medians are shown.")
    int repeat;
    @Option(names = "--no-real", description = "Model only, even where perf works.")
    boolean noReal;

    @Override public Integer call() throws Exception {
        if (repeat < 1) throw new InputError("--repeat: must be at least 1, got " + repeat);
        for (int g : groups) if (g < 1) throw new InputError("--groups: must be positive, got " + g);
        if (loops < 1 || pipeLoops < 1) throw new InputError("--loops/--pipe-loops: must be positive");
        String profile = costs;
        if (costs.equals("calibrate")) {
            Calibration c = Calibration.run(Units.parseDuration("--budget", budget), true, System.err);
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
        System.out.printf("costs %s; real benchmarks: %s%n", costs, real ? "perf bench sched" : "not run (perf unavailable or --no-real)");
        System.out.printf("%-31s %12s %12s %8s %12s %12s %8s%n", "benchmark", "model", "real", "ratio", "switches(m)", "switches(r)", "ratio");
        for (boolean threads : new boolean[]{false, true}) {
            for (int g : groups) {
                String flag = threads ? " -t" : "";
                double[] t = new double[repeat], sw = new double[repeat];
                for (int i = 0; i < repeat; i++) {
                    System.err.printf("predict-host: model messaging%s -g %d, seed %d%n", flag, g, i + 1);
                    JsonNode r = model(profile, "hackbench:groups=" + g + ",loops=" + loops + (threads ? ",mode=thread" : ""), i + 1);
                    t[i] = r.get("metrics").get("marks").get("run").get("latency_us").get("mean").asDouble() / 1e6;
                    sw[i] = r.get("metrics").get("context_switches").asDouble();
                }
                double realT = Double.NaN, realSw = Double.NaN;
                if (real) {
                    double[] rt = new double[repeat], rs = new double[repeat];
                    for (int i = 0; i < repeat; i++) {
                        System.err.printf("predict-host: perf bench sched messaging%s -g %d -l %d (%d/%d)%n", flag, g, loops, i + 1, repeat);
                        PerfBench.Messaging m = PerfBench.messaging(g, loops, threads);
                        rt[i] = m.seconds;
                        rs[i] = m.contextSwitches < 0 ? Double.NaN : m.contextSwitches;
                    }
                    realT = Stats.median(rt);
                    realSw = Stats.median(rs);
                }
                row("messaging" + flag + " -g " + g + " -l " + loops + " (s)", Stats.median(t), realT, Stats.median(sw), realSw);
            }
        }
        double[] p = new double[repeat];
        for (int i = 0; i < repeat; i++) {
            System.err.printf("predict-host: model pipe, seed %d%n", i + 1);
            p[i] = Runner.headlineValue(model(profile, "pipe:loops=" + pipeLoops, i + 1));
        }
        double realP = Double.NaN;
        if (real) {
            double[] rp = new double[repeat];
            for (int i = 0; i < repeat; i++) {
                System.err.printf("predict-host: perf bench sched pipe -l %d (%d/%d)%n", pipeLoops, i + 1, repeat);
                rp[i] = PerfBench.pipeUsPerOp(pipeLoops, false, null);
            }
            realP = Stats.median(rp);
        }
        row("pipe -l " + pipeLoops + " (us/op)", Stats.median(p), realP, Double.NaN, Double.NaN);
        return 0;
    }

    private static JsonNode model(String profile, String workload, long seed) {
        RunSpec s = RunSpec.of("host", "pull", workload, 600_000_000_000L, seed);
        CostsOption.apply(profile, s);
        return Runner.run(s);
    }

    private static void row(String name, double model, double real, double swModel, double swReal) {
        System.out.printf("%-31s %12s %12s %8s %12s %12s %8s%n", name, fmt(model), fmt(real), ratio(model, real),
                count(swModel), count(swReal), ratio(swModel, swReal));
    }

    private static String ratio(double a, double b) {
        return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "-" : String.format("%.2f", a / b);
    }

    private static String count(double x) {
        return Double.isNaN(x) ? "-" : String.format("%.0f", x);
    }

    private static String fmt(double x) {
        if (Double.isNaN(x)) return "-";
        return Math.abs(x) >= 1000 ? String.format("%.0f", x) : String.format("%.3f", x);
    }

}
