package org.schedlab.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.AtomicFiles;
import org.schedlab.InputError;
import org.schedlab.Units;
import org.schedlab.experiment.Comparison;
import org.schedlab.experiment.Grid;
import org.schedlab.experiment.Metric;
import org.schedlab.experiment.Progress;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.report.ComparisonTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code schedlab compare}: policies side by side on one machine and workload, over parameter values and seeds,
 * as LKML-style comparison tables. The output is the same for any {@code --jobs}; a progress line goes to stderr
 * only when it is a terminal.
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
        description = "Compare policies over seeds and workload parameter values; the first policy is the baseline.")
public final class CompareCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin MachineOptions machine;
    @Mixin RunOptions run;
    @Mixin JobsOption jobs;

    @Option(names = "--policies", required = true, paramLabel = "A,B,...",
            description = "Policies to compare, baseline first (repeatable; a policy's own key=value options may follow it).")
    List<String> policies = new ArrayList<>();
    @Option(names = "--param", paramLabel = "KEY=V1,V2,...",
            description = "Workload parameter and the values to sweep (repeatable; one table row per combination).")
    List<String> params = new ArrayList<>();
    @Option(names = "--seeds", required = true, paramLabel = "N", description = "Runs per cell, seeds 1..N.")
    int seeds;
    @Option(names = "--metric", paramLabel = "PATH[:higher|lower][:amean|hmean|median]",
            description = "Also compare this number of the result JSON, e.g. metrics.wakeup_latency_us.p99 (repeatable).")
    List<String> metrics = new ArrayList<>();
    @Option(names = "--format", defaultValue = "text", paramLabel = "text|markdown|csv|json")
    String format;
    @Option(names = "--out", paramLabel = "FILE", description = "Write the tables here (atomically) instead of stdout.")
    Path out;

    @Override public Integer call() {
        ComparisonTable.Format fmt = format();
        if (out != null) AtomicFiles.checkTarget(out);
        Grid grid = grid();
        List<Metric> ms = metrics();
        int k = jobs.jobs();

        Progress progress = Progress.onTerminal("compare", spec.commandLine().getErr());
        List<ComparisonTable> tables;
        try {
            tables = Comparison.run(grid, ms, k, progress == null ? null : progress::completed).stream()
                    .map(ComparisonTable::new).toList();
        } finally {
            if (progress != null) progress.finish();
        }
        String text = render(tables, fmt, grid);
        if (out != null) AtomicFiles.write(out, text);
        else {
            PrintWriter w = spec.commandLine().getOut();
            w.print(text);
            w.flush();
        }
        return 0;
    }

    private ComparisonTable.Format format() {
        try {
            return ComparisonTable.Format.parse(format);
        } catch (IllegalArgumentException e) {
            throw new InputError("--format: " + e.getMessage());
        }
    }

    Grid grid() {
        if (seeds < 1) throw new InputError("--seeds: must be at least 1, got " + seeds);
        RunSpec t = new RunSpec();
        machine.applyTo(t);
        run.applyTo(t);
        return new Grid(t, List.of(t.topology), List.of(t.workload), parseParams(params), splitPolicies(policies),
                Grid.seeds(seeds));
    }

    private List<Metric> metrics() {
        List<Metric> ms = new ArrayList<>();
        ms.add(Metric.HEADLINE);
        for (String m : metrics) {
            Metric x = Metric.parse(m);
            if (ms.stream().anyMatch(y -> y.path().equals(x.path())))
                throw new InputError("--metric: '" + x.path() + "' given twice");
            ms.add(x);
        }
        return ms;
    }

    /**
     * Splits policy lists on commas; a piece of the form {@code key=value} with no colon continues the options
     * of the policy before it, so {@code pull,push:nohz=per-llc,x=1} is two policies.
     */
    static List<String> splitPolicies(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String arg : args) {
            int first = out.size();
            for (String piece : arg.split(",", -1)) {
                String p = piece.trim();
                if (p.isEmpty()) throw new InputError("--policies: empty policy name in '" + arg + "'");
                boolean option = p.indexOf('=') > 0 && (p.indexOf(':') < 0 || p.indexOf(':') > p.indexOf('='));
                if (option && out.size() > first && out.get(out.size() - 1).contains(":"))
                    out.set(out.size() - 1, out.get(out.size() - 1) + "," + p);
                else out.add(p);
            }
        }
        if (out.size() != new java.util.HashSet<>(out).size())
            throw new InputError("--policies: a policy is listed twice in " + out);
        return out;
    }

    static Map<String, List<String>> parseParams(List<String> args) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        for (String a : args) {
            int eq = a.indexOf('=');
            if (eq <= 0 || eq == a.length() - 1)
                throw new InputError("--param: expected KEY=V1,V2,..., got '" + a + "'");
            String key = a.substring(0, eq).trim();
            if (!key.matches("[A-Za-z_][A-Za-z0-9_-]*"))
                throw new InputError("--param: '" + key + "' is not a parameter name");
            if (out.containsKey(key)) throw new InputError("--param: '" + key + "' given twice");
            List<String> vs = new ArrayList<>();
            for (String v : a.substring(eq + 1).split(",", -1)) {
                String x = v.trim();
                if (x.isEmpty()) throw new InputError("--param: empty value in '" + a + "'");
                if (vs.contains(x)) throw new InputError("--param: value '" + x + "' repeated in '" + a + "'");
                vs.add(x);
            }
            out.put(key, vs);
        }
        return out;
    }

    /** The simulated time of the runs: --duration, else the workload's own or the default. */
    private static long durationNs(Grid grid) {
        RunSpec t = grid.template();
        return t.durationFromWorkload ? Runner.prepare(grid.expand().get(0)).config.durationNs : t.durationNs;
    }

    static String render(List<ComparisonTable> tables, ComparisonTable.Format fmt, Grid grid) {
        StringBuilder sb = new StringBuilder();
        switch (fmt) {
            case TEXT, MARKDOWN -> {
                for (int i = 0; i < tables.size(); i++) {
                    if (i > 0) sb.append('\n');
                    sb.append(tables.get(i).render(fmt));
                }
            }
            case CSV -> {
                for (int i = 0; i < tables.size(); i++) {
                    String csv = tables.get(i).csv();
                    sb.append(i == 0 ? csv : csv.substring(csv.indexOf('\n') + 1));
                }
            }
            case JSON -> {
                ObjectNode root = Runner.JSON.createObjectNode();
                root.put("schema", "schedlab-compare/1");
                root.put("topology", grid.topologies().get(0));
                root.put("workload", grid.workloads().get(0));
                ArrayNode pol = root.putArray("policies");
                grid.policies().forEach(pol::add);
                ObjectNode params = root.putObject("params");
                for (Map.Entry<String, List<String>> e : grid.params().entrySet()) {
                    ArrayNode vs = params.putArray(e.getKey());
                    e.getValue().forEach(vs::add);
                }
                root.put("seeds", grid.seeds().size());
                root.put("duration", Units.formatDuration(durationNs(grid)));
                ArrayNode ts = root.putArray("tables");
                try {
                    for (ComparisonTable t : tables) ts.add(Runner.JSON.readTree(t.json()));
                    sb.append(Runner.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root)).append('\n');
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return sb.toString();
    }
}
