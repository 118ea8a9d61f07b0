package org.schedlab.experiment;

import org.schedlab.InputError;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A cartesian product of runs: topologies × workloads × parameter combinations × policies × seeds, all sharing
 * the remaining settings of a template {@link RunSpec}.
 *
 * <p>{@link #expand()} lists the points in a fixed order, seed varying fastest, then policy, then the parameter
 * combination (the first parameter key varying slowest), then workload, then topology. The order depends only on
 * the lists given, so a point's index identifies it. Every list must be non-empty and free of duplicates, so no
 * two points are equal. A grid holds at most {@link #MAX_RUNS} points and {@link #MAX_SEEDS} seeds, checked before
 * anything is allocated for them.
 */
public final class Grid {
    /** The most runs one grid (a sweep, a comparison) may have. */
    public static final int MAX_RUNS = 100_000;
    /** The most seeds one grid may have. */
    public static final int MAX_SEEDS = 10_000;

    private final RunSpec template;
    private final List<String> topologies;
    private final List<String> workloads;
    private final LinkedHashMap<String, List<String>> params;
    private final List<String> policies;
    private final List<Long> seeds;

    public Grid(RunSpec template, List<String> topologies, List<String> workloads,
                Map<String, List<String>> params, List<String> policies, List<Long> seeds) {
        this.template = template.copy();
        this.template.params.clear();
        this.topologies = distinct("topology", topologies);
        this.workloads = distinct("workload", workloads);
        this.policies = distinct("policy", policies);
        this.seeds = distinct("seed", seeds);
        this.params = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            String k = e.getKey();
            if (k == null || k.isBlank()) throw new InputError("parameter with an empty name");
            this.params.put(k, distinct("parameter '" + k + "'", e.getValue()));
        }
        double combos = 1;
        for (List<String> vs : this.params.values()) combos *= vs.size();
        double runs = combos * this.topologies.size() * this.workloads.size() * this.policies.size() * this.seeds.size();
        if (runs > MAX_RUNS)
            throw new InputError(String.format(java.util.Locale.ROOT, runs < 1e15 ? "%.0f" : "%.3g", runs) + " runs ("
                    + this.topologies.size() + " topologies x " + this.workloads.size() + " workloads x "
                    + String.format(java.util.Locale.ROOT, combos < 1e15 ? "%.0f" : "%.3g", combos)
                    + " parameter combinations x " + this.policies.size() + " policies x " + this.seeds.size()
                    + " seeds) are more than the limit of " + MAX_RUNS + " runs in one grid");
    }

    /** Seeds 1..n. */
    public static List<Long> seeds(int n) {
        if (n < 1) throw new InputError("seeds must be at least 1, got " + n);
        if (n > MAX_SEEDS) throw new InputError("seeds: " + n + " is more than the limit of " + MAX_SEEDS + " seeds");
        List<Long> s = new ArrayList<>();
        for (long i = 1; i <= n; i++) s.add(i);
        return s;
    }

    private static <T> List<T> distinct(String what, List<T> xs) {
        if (xs == null || xs.isEmpty()) throw new InputError("no " + what + " values given");
        HashSet<T> seen = new HashSet<>();
        for (T x : xs) {
            if (x == null || x.toString().isBlank()) throw new InputError("empty " + what + " value");
            if (!seen.add(x)) throw new InputError("duplicate " + what + " value '" + x + "'");
        }
        return List.copyOf(xs);
    }

    /** The settings shared by every point (a copy; its topology, workload, policy, params and seed are unset). */
    public RunSpec template() { return template.copy(); }

    public List<String> topologies() { return topologies; }
    public List<String> workloads() { return workloads; }
    public List<String> policies() { return policies; }
    public List<Long> seeds() { return seeds; }

    /** Parameter keys and their values, in the order given. */
    public Map<String, List<String>> params() { return Collections.unmodifiableMap(params); }

    /** Every combination of one value per parameter key, first key varying slowest; one empty map if none. */
    public List<Map<String, String>> paramCombos() {
        List<Map<String, String>> out = new ArrayList<>();
        out.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> partial : out)
                for (String v : e.getValue()) {
                    Map<String, String> m = new LinkedHashMap<>(partial);
                    m.put(e.getKey(), v);
                    next.add(m);
                }
            out = next;
        }
        List<Map<String, String>> frozen = new ArrayList<>();
        for (Map<String, String> m : out) frozen.add(Collections.unmodifiableMap(m));
        return frozen;
    }

    public int size() {
        return topologies.size() * workloads.size() * paramCombos().size() * policies.size() * seeds.size();
    }

    /** The index in {@link #expand()} of the point with these coordinates (indices into each list). */
    public int index(int topology, int workload, int combo, int policy, int seed) {
        int nc = paramCombos().size();
        return (((topology * workloads.size() + workload) * nc + combo) * policies.size() + policy) * seeds.size() + seed;
    }

    /**
     * Resolves every point with {@link Runner#prepare}, so that bad input surfaces before anything runs, and
     * returns what was prepared for each combination of topology, workload, parameters and policy (in
     * {@link #expand()} order). The seed does not affect preparation, so each combination is prepared once.
     */
    public List<Runner.Prepared> validate() {
        List<Runner.Prepared> out = new ArrayList<>();
        List<RunSpec> all = expand();
        for (int i = 0; i < all.size(); i += seeds.size()) out.add(Runner.prepare(all.get(i)));
        return out;
    }

    /** Every point, in the documented order; each spec is a fresh copy. */
    public List<RunSpec> expand() {
        List<Map<String, String>> combos = paramCombos();
        List<RunSpec> out = new ArrayList<>();
        for (String t : topologies)
            for (String w : workloads)
                for (Map<String, String> c : combos)
                    for (String p : policies)
                        for (long s : seeds) {
                            RunSpec r = template.copy();
                            r.topology = t;
                            r.workload = w;
                            r.params = new LinkedHashMap<>(c);
                            r.policy = p;
                            r.seed = s;
                            out.add(r);
                        }
        return out;
    }
}
