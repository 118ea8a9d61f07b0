package org.schedlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.schedlab.InputError;
import org.schedlab.InputFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A study: named comparisons whose tables are written into a Markdown document between
 * {@code <!-- study:ID -->} and {@code <!-- /study:ID -->} markers, so the document's tables are always the
 * output of the study file and never edited by hand. The YAML:
 *
 * <pre>
 * sections:
 *   - id: milan-hackbench
 *     topology: epyc-7763-2s
 *     workload: hackbench:loops=50
 *     params: {groups: [1, 2, 4, 8, 16]}
 *     policies: [pull, push, "push:nohz=per-llc"]
 *     seeds: 3
 *     duration: 1s
 *     warmup: steady                   # optional: auto (default), a duration, or steady (duration is then the window after it)
 *     metrics: [metrics.wakeup_latency_us.p99, metrics.balance_overhead_total_ns]
 *     costs: costs/boost-off.yaml      # optional: a cost profile over the built-in one, relative to this file
 *     cost_scale: 1.5                  # optional: every cost constant × 1.5
 *     task_group: autogroup            # optional: root (default) or autogroup
 *     tg_load_ratelimit: off           # optional: on (default) or off
 *     fair: cfs                        # optional: eevdf (default) or cfs (5.19)
 *     launch_cpu: 255                  # optional: the CPU the benchmark is started from (--launch-cpu)
 *   - id: mainline-curves
 *     checks: mainline-curves          # or published-mechanisms: validate's checks against a real machine
 * </pre>
 */
public final class Study {
    private static final Set<String> KEYS = Set.of("id", "topology", "workload", "params", "policies", "seeds",
            "duration", "warmup", "metrics", "costs", "cost_scale", "task_group", "tg_load_ratelimit", "fair", "launch_cpu");
    /** The check suites a section may run instead of a comparison, as {@code schedlab validate} runs them. */
    private static final List<String> CHECKS = List.of("mainline-curves", "published-mechanisms");

    /** One section: a comparison grid and the metrics to tabulate, or one of validate's suites ({@link #checks}). */
    public static final class Section {
        public final String id;
        public final Grid grid;
        public final List<Metric> metrics;
        /** {@code mainline-curves} or {@code published-mechanisms}; null for a comparison. */
        public final String checks;

        Section(String id, Grid grid, List<Metric> metrics, String checks) {
            this.id = id;
            this.grid = grid;
            this.metrics = metrics;
            this.checks = checks;
        }
    }

    private Study() {}

    public static List<Section> read(Path file) {
        JsonNode root;
        try {
            String text = InputFiles.readString(file, "a study file", SweepFile.MAX_BYTES);
            org.schedlab.Yaml.refuseAliases(file.toString(), text);
            root = new ObjectMapper(org.schedlab.Yaml.FACTORY).readTree(text);
        } catch (IOException e) {
            String msg = e.getMessage() == null ? e.toString() : e.getMessage().lines().findFirst().orElse("");
            throw new InputError(file + ": not a readable study file: " + msg);
        }
        if (root == null || !root.has("sections") || !root.get("sections").isArray() || root.get("sections").isEmpty())
            throw new InputError(file + ": expected a non-empty list under 'sections'");
        List<Section> out = new ArrayList<>();
        for (JsonNode s : root.get("sections")) out.add(section(file, s));
        return out;
    }

    private static Section section(Path file, JsonNode s) {
        String where = file + ": section " + (s.has("id") ? "'" + s.get("id").asText() + "'" : "without id");
        if (s.has("checks")) {
            if (!s.has("id")) throw new InputError(where + ": missing 'id'");
            if (s.size() != 2) throw new InputError(where + ": a 'checks' section has only 'id' and 'checks'");
            String c = s.get("checks").asText();
            if (!CHECKS.contains(c)) throw new InputError(where + ": checks must be one of " + CHECKS + ", got '" + c + "'");
            return new Section(s.get("id").asText(), null, List.of(), c);
        }
        for (Iterator<String> it = s.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!KEYS.contains(k)) throw new InputError(where + ": unknown key '" + k + "'; expected one of " + new java.util.TreeSet<>(KEYS));
        }
        for (String k : new String[]{"id", "topology", "workload", "policies", "seeds", "duration"})
            if (!s.has(k)) throw new InputError(where + ": missing '" + k + "'");
        RunSpec t = new RunSpec();
        t.durationNs = RunSpec.parseDuration(where + ": duration", s.get("duration").asText());
        if (t.durationNs == 0) throw new InputError(where + ": duration must be positive");
        if (s.has("warmup")) t.warmupNs = RunSpec.parseWarmup(where + ": warmup", s.get("warmup").asText());
        if (s.has("costs")) {
            Path profile = file.toAbsolutePath().getParent().resolve(s.get("costs").asText()).normalize();
            if (!java.nio.file.Files.isRegularFile(profile))
                throw new InputError(where + ": costs: no cost profile file " + profile);
            org.schedlab.cost.CostProfile.load(profile);
            t.costProfile = profile.toString();
        }
        if (s.has("cost_scale")) {
            double f = s.get("cost_scale").asDouble(-1);
            if (!(f > 0) || f > 100) throw new InputError(where + ": cost_scale must be a number in (0, 100], got '" + s.get("cost_scale").asText() + "'");
            t.costScale = f;
        }
        if (s.has("launch_cpu")) {
            JsonNode c = s.get("launch_cpu");
            if (!c.canConvertToInt() || !c.isIntegralNumber() || c.asInt() < 0)
                throw new InputError(where + ": launch_cpu must be a CPU number, 0 or more, got '" + c.asText() + "'");
            t.launchCpu = c.asInt();
        }
        if (s.has("task_group")) t.autogroup = choice(where, s, "task_group", "autogroup", "root");
        if (s.has("tg_load_ratelimit")) t.tgLoadRatelimit = choice(where, s, "tg_load_ratelimit", "on", "off");
        if (s.has("fair")) t.cfs = choice(where, s, "fair", "cfs", "eevdf");
        t.timelineBuckets = 0;
        List<String> policies = strings(where, s.get("policies"));
        Map<String, List<String>> params = new LinkedHashMap<>();
        if (s.has("params")) {
            for (Iterator<Map.Entry<String, JsonNode>> it = s.get("params").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                params.put(e.getKey(), strings(where, e.getValue()));
            }
        }
        int seeds = s.get("seeds").asInt(0);
        if (seeds <= 0) throw new InputError(where + ": seeds must be a positive integer");
        List<Metric> metrics = new ArrayList<>();
        metrics.add(Metric.HEADLINE);
        if (s.has("metrics")) for (String m : strings(where, s.get("metrics"))) metrics.add(Metric.parse(m));
        Grid g = new Grid(t, List.of(s.get("topology").asText()), List.of(s.get("workload").asText()), params,
                policies, Grid.seeds(seeds));
        return new Section(s.get("id").asText(), g, metrics, null);
    }

    /** A two-valued key: true for {@code yes}, false for {@code no}, one clear error otherwise. */
    private static boolean choice(String where, JsonNode s, String key, String yes, String no) {
        JsonNode n = s.get(key);
        // YAML 1.1 reads a bare on/off as a boolean
        String v = n.isBoolean() ? (n.booleanValue() ? "on" : "off") : n.asText();
        if (v.equals(yes)) return true;
        if (v.equals(no)) return false;
        throw new InputError(where + ": " + key + " must be " + yes + " or " + no + ", got '" + v + "'");
    }

    private static List<String> strings(String where, JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) for (JsonNode x : n) out.add(x.asText());
        else out.add(n.asText());
        if (out.isEmpty()) throw new InputError(where + ": empty list");
        return out;
    }

    /** A checks section's checks, at validate's full size; runs validate made with {@code cache} are reused. */
    public static List<Validation.Check> runChecks(Section s, int jobs, HeadlineCache cache) {
        try (RunPool runs = RunPool.of(jobs, cache)) {
            return s.checks.equals("mainline-curves") ? MainlineCurves.checks(MainlineCurves.Size.full(), runs)
                    : PublishedMechanisms.check(PublishedMechanisms.Size.full(), runs);
        }
    }

    /** The comparisons of a section, one per metric. */
    public static List<PolicyComparison> run(Section s, int jobs, Experiment.Listener listener) {
        return Comparison.run(s.grid, s.metrics, jobs, listener);
    }

    /** Replaces the block of section {@code id} in {@code doc} with {@code body}. */
    public static String splice(String doc, String id, String body, String docName) {
        String open = "<!-- study:" + id + " -->", close = "<!-- /study:" + id + " -->";
        int a = doc.indexOf(open), b = doc.indexOf(close);
        if (a < 0 || b < a) throw new InputError(docName + ": no block " + open + " ... " + close);
        return doc.substring(0, a + open.length()) + "\n" + body + doc.substring(b);
    }
}
