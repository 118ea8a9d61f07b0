package org.schedlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.InputError;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Policies compared on one machine and one workload over a grid of workload parameters and seeds: one
 * {@link PolicyComparison} per metric, a row per parameter combination, the first policy as the baseline and
 * each run's seed as one sample.
 *
 * <p>{@link #validate} resolves every point of the grid before anything runs, so bad input fails fast.
 * {@link #run} gives the same tables for any number of threads.
 *
 * <p>Row labels follow the LKML cover letters. A single swept parameter {@code groups} gives rows
 * {@code 1-groups}, {@code 2-groups}, ... under "Case:"; {@code clients}, {@code pairs}, {@code workers},
 * {@code threads}, {@code copies} and {@code jobs} give the plain value under "Clients:", "Pairs:",
 * "#workers:", "Threads:", "Copies:" and "Jobs:"; any other single key gives the plain value under
 * "KEY:". Several keys give labels such as {@code 2-groups loops=100} under "Case:"; no parameters give one row
 * labelled with the workload spec.
 */
public final class Comparison {
    private static final Map<String, String> HEADERS = Map.of("clients", "Clients:", "pairs", "Pairs:",
            "workers", "#workers:", "threads", "Threads:", "copies", "Copies:", "jobs", "Jobs:");

    /** Length of the dry run that checks --metric paths before the real runs. */
    private static final long DRY_RUN_NS = 1_000_000L;

    private Comparison() {}

    /**
     * Checks that every point of the grid can run, that the policies share one headline metric across the
     * parameter values, and that every metric path exists in a result (by a short dry run of the first point).
     */
    public static void validate(Grid grid, List<Metric> metrics) {
        if (grid.topologies().size() != 1 || grid.workloads().size() != 1)
            throw new IllegalArgumentException("a comparison has one topology and one workload");
        String headline = null;
        for (Runner.Prepared p : grid.validate()) {
            String h = p.workload.headline == null ? "(default)" : p.workload.headline.metric;
            if (headline == null) headline = h;
            else if (!headline.equals(h))
                throw new InputError("the headline metric changes across the grid (" + headline + " vs " + h
                        + " at " + label(p.spec.params, p.spec.workload) + "); compare those cases separately");
        }
        if (metrics.stream().allMatch(Metric::isHeadline)) return;
        RunSpec dry = grid.expand().get(0);
        dry.durationNs = Math.min(dry.durationNs, DRY_RUN_NS);
        dry.durationFromWorkload = false;
        dry.warmupNs = 0;
        dry.timelineBuckets = 0;
        ObjectNode r = Runner.run(dry);
        // the dry run is too short for a headline measured to completion; the other paths must exist already
        for (Metric m : metrics) if (!m.isHeadline()) m.value(r);
    }

    /** Runs the grid on {@code jobs} threads and builds a table per metric, in the order given. */
    public static List<PolicyComparison> run(Grid grid, List<Metric> metrics, int jobs, Experiment.Listener listener) {
        validate(grid, metrics);
        List<RunSpec> specs = grid.expand();
        for (RunSpec s : specs) s.timelineBuckets = 0;
        List<Sample> samples = Experiment.map(specs, jobs, (i, s) -> sample(Experiment.run(s), metrics), listener);
        return tables(grid, metrics, samples);
    }

    /**
     * What a comparison keeps of one run: each metric's value and the headline's description. An unfinished run
     * has no value for any metric ({@link PolicyComparison#UNFINISHED}): its numbers describe a different,
     * shorter piece of work than its twins'.
     */
    record Sample(double[] values, ObjectNode meta) {}

    private static Sample sample(ObjectNode result, List<Metric> metrics) {
        double[] v = new double[metrics.size()];
        boolean unfinished = Runner.unfinished(result);
        for (int k = 0; k < v.length; k++) v[k] = unfinished ? PolicyComparison.UNFINISHED : metrics.get(k).value(result);
        ObjectNode meta = Runner.JSON.createObjectNode();
        ObjectNode t = result.get("throughput").deepCopy();
        t.remove("value");
        t.remove("unfinished");
        meta.set("throughput", t);
        return new Sample(v, meta);
    }

    private static List<PolicyComparison> tables(Grid grid, List<Metric> metrics, List<Sample> samples) {
        List<Map<String, String>> combos = grid.paramCombos();
        int np = grid.policies().size(), ns = grid.seeds().size();
        JsonNode meta = samples.get(0).meta();
        for (Sample s : samples)
            if (!s.meta().equals(meta))
                throw new IllegalStateException("runs disagree on the headline: " + meta + " vs " + s.meta());
        String workload = grid.workloads().get(0);
        String test = workloadName(workload);
        List<PolicyComparison> out = new ArrayList<>();
        for (int k = 0; k < metrics.size(); k++) {
            Metric m = metrics.get(k);
            String name = m.name(meta), unit = m.unit(meta);
            PolicyComparison.Builder b = PolicyComparison.builder(test + " " + name)
                    .units("Normalized " + name + (unit.isEmpty() ? "" : " in " + unit))
                    .higherIsBetter(m.higherIsBetter(meta))
                    .statistic(m.statistic(meta))
                    .caseHeader(caseHeader(grid.params().keySet()))
                    .policies(grid.policies());
            for (int c = 0; c < combos.size(); c++) {
                List<double[]> perPolicy = new ArrayList<>();
                for (int p = 0; p < np; p++) {
                    double[] xs = new double[ns];
                    for (int s = 0; s < ns; s++) xs[s] = samples.get(grid.index(0, 0, c, p, s)).values()[k];
                    perPolicy.add(xs);
                }
                b.row(label(combos.get(c), workload), perPolicy);
            }
            out.add(b.build());
        }
        return out;
    }

    /** The workload's name: the spec up to its first colon. */
    static String workloadName(String workload) {
        int colon = workload.indexOf(':');
        return colon < 0 ? workload : workload.substring(0, colon);
    }

    /** Heading of the case column for these swept parameter keys. */
    public static String caseHeader(Set<String> keys) {
        if (keys.size() != 1) return "Case:";
        String k = keys.iterator().next();
        if (k.equals("groups")) return "Case:";
        return HEADERS.getOrDefault(k, k + ":");
    }

    /** Label of the row for one parameter combination (the workload spec when there are no parameters). */
    public static String label(Map<String, String> combo, String workload) {
        if (combo.isEmpty()) return workload;
        if (combo.size() == 1) {
            Map.Entry<String, String> e = combo.entrySet().iterator().next();
            return e.getKey().equals("groups") ? e.getValue() + "-groups" : e.getValue();
        }
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : combo.entrySet()) {
            if (sb.length() > 0) sb.append(' ');
            sb.append(e.getKey().equals("groups") ? e.getValue() + "-groups" : e.getKey() + "=" + e.getValue());
        }
        return sb.toString();
    }
}
