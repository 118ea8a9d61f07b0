package org.schedlab.report;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.InputError;
import org.schedlab.experiment.PolicyComparison;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A self-contained HTML report over a directory of result JSON files (docs/report.md): one page with inline CSS
 * and SVG only (no script, no external resource; a Content-Security-Policy forbids both), runs grouped into cases
 * of exact twins (the same recorded spec apart from policy and seed; see {@link Result#twin}) and, within a case,
 * by policy. Per case: the runs, a utilisation heatmap per
 * policy, latency CDFs, migrations per domain level and balancing overhead by kind; above the cases, comparison
 * tables of the headline metric across seeds. Every string taken from the inputs is HTML-escaped, and the page is
 * a function of the files' contents and relative paths only: the same inputs give the same bytes.
 */
public final class HtmlReport {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SCHEMA_PREFIX = "schedlab-run/";

    private HtmlReport() {}

    /** One result file: its path relative to the report directory and its parsed JSON. */
    public record Result(String file, JsonNode root) {
        public String topology() { return root.path("config").path("topology").asText(); }
        public String policy() { return root.path("config").path("policy").asText(); }
        public String workload() { return root.path("config").path("workload").asText(); }
        public long seed() { return root.path("config").path("seed").asLong(); }

        /** The workload parameters as "k=v, ..." sorted by key; empty when there are none. */
        public String params() {
            TreeMap<String, String> m = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = root.path("config").path("params").fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), e.getValue().asText());
            }
            return m.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
        }

        /**
         * What a run shares with its twins: its recorded {@code "spec"} without policy and seed, or, for a result
         * that records no spec, its {@code config} without policy, seed and CPU count (such results are twins only
         * of each other).
         */
        ObjectNode twin() {
            JsonNode spec = root.path("spec");
            ObjectNode t = ((ObjectNode) (spec.isObject() ? spec : root.path("config"))).deepCopy();
            t.remove(List.of("policy", "seed", "cpus"));
            return t;
        }

        JsonNode metrics() { return root.path("metrics"); }
        JsonNode throughput() { return root.path("throughput"); }
        /** The headline value, or {@link PolicyComparison#UNFINISHED} for a run that stopped before it existed. */
        double headline() {
            return org.schedlab.experiment.Runner.unfinished(root) ? PolicyComparison.UNFINISHED
                    : throughput().path("value").asDouble();
        }
    }

    /** The results found under a directory, sorted, and the files skipped with the reason. */
    public record Loaded(List<Result> results, List<String> skipped) {}

    /**
     * The runs of one spec apart from policy and seed, by policy in alphabetical order. {@code variant} tells cases
     * of one (topology, workload, params) apart, naming what differs ("duration_ns=25000000"); empty when unique.
     */
    record Case(String topology, String workload, String params, String variant, TreeMap<String, List<Result>> byPolicy) {
        String label() {
            return (params.isEmpty() ? workload : workload + " (" + params + ")") + (variant.isEmpty() ? "" : " [" + variant + "]");
        }
        Result first() { return byPolicy.firstEntry().getValue().get(0); }
    }

    private static final Comparator<Result> ORDER = Comparator.comparing(Result::topology)
            .thenComparing(Result::workload).thenComparing(Result::params).thenComparing(Result::policy)
            .thenComparingLong(Result::seed).thenComparing(Result::file);

    // ---- loading ----------------------------------------------------------------------------------------------

    /**
     * Reads every {@code *.json} file under {@code dir} (recursively). Files that are not schedlab results are
     * skipped and reported through {@code warn} as "FILE: reason".
     */
    public static Loaded load(Path dir, Consumer<String> warn) {
        if (!Files.isDirectory(dir)) throw new InputError(dir + ": not a directory");
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(p -> Files.isRegularFile(p) && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json"))
                     .sorted().toList();
        } catch (IOException e) {
            throw new InputError(dir + ": cannot read: " + e.getMessage());
        }
        List<Result> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path p : files) {
            String rel = dir.relativize(p).toString().replace('\\', '/');
            String why = null;
            JsonNode root = null;
            try {
                why = schemaProblem(p);
                if (why == null) {
                    root = org.schedlab.experiment.Runner.readResult(p);
                    why = structureProblem(root);
                }
            } catch (IOException e) {
                why = "not valid JSON (" + firstLine(e.getMessage()) + ")";
            } catch (InputError e) {
                why = e.getMessage().startsWith(p.toString()) ? e.getMessage().substring(p.toString().length() + 2) : e.getMessage();
            }
            if (why == SWEEP_PLAN) continue;   // a sweep's own plan file sits beside its results
            if (why != null) {
                skipped.add(rel + ": " + why);
                warn.accept(rel + ": " + why);
            } else {
                results.add(new Result(rel, root));
            }
        }
        results.sort(ORDER);
        return new Loaded(List.copyOf(results), List.copyOf(skipped));
    }

    private static final String SWEEP_PLAN = "a sweep plan";

    private static String firstLine(String s) {
        if (s == null) return "unreadable";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    /** Looks for the top-level "schema" without reading other values into memory (traces can be huge). */
    private static String schemaProblem(Path p) throws IOException {
        try (JsonParser jp = JSON.getFactory().createParser(p.toFile())) {
            if (jp.nextToken() != JsonToken.START_OBJECT) return "not a schedlab result (not a JSON object)";
            while (jp.nextToken() == JsonToken.FIELD_NAME) {
                String name = jp.currentName();
                JsonToken v = jp.nextToken();
                if (name.equals("schema")) {
                    if (v == JsonToken.VALUE_STRING && jp.getText().startsWith(SCHEMA_PREFIX)) return null;
                    if (v == JsonToken.VALUE_STRING && jp.getText().startsWith("schedlab-sweep/")) return SWEEP_PLAN;
                    return "not a schedlab result (schema is not " + SCHEMA_PREFIX + "N)";
                }
                jp.skipChildren();
            }
            return "not a schedlab result (no \"schema\")";
        }
    }

    private static String structureProblem(JsonNode r) {
        JsonNode c = r.path("config");
        for (String k : new String[]{"topology", "policy", "workload"})
            if (!c.path(k).isTextual()) return "not a schedlab result (no config." + k + ")";
        if (!r.path("metrics").isObject()) return "not a schedlab result (no metrics)";
        JsonNode t = r.path("throughput");
        boolean unfinished = t.path("unfinished").asBoolean(false) && t.path("value").isNull();
        if (!(t.path("value").isNumber() || unfinished) || !t.path("metric").isTextual())
            return "not a schedlab result (no throughput value)";
        if (t.path("value").isNumber() && !Double.isFinite(t.path("value").doubleValue()))
            return "not a schedlab result (throughput value beyond the range of doubles)";
        return null;
    }

    // ---- grouping and tables ----------------------------------------------------------------------------------

    static List<Case> cases(List<Result> results) {
        TreeMap<List<String>, TreeMap<String, List<Result>>> m = new TreeMap<>(HtmlReport::compareKeys);
        Map<String, ObjectNode> twins = new java.util.HashMap<>();
        for (Result r : results) {
            ObjectNode twin = r.twin();
            twins.putIfAbsent(twin.toString(), twin);
            m.computeIfAbsent(List.of(r.topology(), r.workload(), r.params(), twin.toString()), k -> new TreeMap<>())
             .computeIfAbsent(r.policy(), k -> new ArrayList<>()).add(r);
        }
        // cases that share (topology, workload, params) are told apart by the keys on which their specs differ
        Map<List<String>, List<ObjectNode>> siblings = new java.util.HashMap<>();
        for (List<String> k : m.keySet()) siblings.computeIfAbsent(k.subList(0, 3), x -> new ArrayList<>()).add(twins.get(k.get(3)));
        List<Case> out = new ArrayList<>();
        for (Map.Entry<List<String>, TreeMap<String, List<Result>>> e : m.entrySet()) {
            for (List<Result> rs : e.getValue().values()) rs.sort(ORDER);
            List<String> k = e.getKey();
            out.add(new Case(k.get(0), k.get(1), k.get(2), variant(twins.get(k.get(3)), siblings.get(k.subList(0, 3))), e.getValue()));
        }
        return out;
    }

    /** "KEY=VALUE, ..." for the keys on which {@code twin} differs from any of {@code all} (empty when alone). */
    private static String variant(ObjectNode twin, List<ObjectNode> all) {
        if (all.size() < 2) return "";
        TreeSet<String> keys = new TreeSet<>();
        for (ObjectNode o : all) o.fieldNames().forEachRemaining(keys::add);
        List<String> parts = new ArrayList<>();
        for (String key : keys) {
            JsonNode v = twin.get(key);
            if (all.stream().allMatch(o -> java.util.Objects.equals(o.get(key), v))) continue;
            String text = v == null ? "-" : v.isValueNode() ? v.asText() : v.toString();
            parts.add(key + "=" + (text.length() > 24 ? text.substring(0, 12) : text));
        }
        return String.join(", ", parts);
    }

    private static int compareKeys(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = a.get(i).compareTo(b.get(i));
            if (c != 0) return c;
        }
        return Integer.compare(a.size(), b.size());
    }

    /** The baseline among {@code policies}: "pull" when present, else the first in alphabetical order. */
    static String baseline(Set<String> policies) {
        return policies.contains("pull") ? "pull" : new TreeSet<>(policies).first();
    }

    /**
     * Comparison tables of the headline metric across seeds: cases of one topology that share the metric, its
     * direction and their set of policies form one table, a row per case, baseline first.
     */
    public static List<ComparisonTable> tables(List<Result> results) {
        TreeMap<List<String>, List<Case>> groups = new TreeMap<>(HtmlReport::compareKeys);
        for (Case c : cases(results)) {
            JsonNode t = c.first().throughput();
            List<String> key = new ArrayList<>(List.of(c.topology(), t.path("metric").asText(),
                    t.path("unit").asText(), Boolean.toString(t.path("higher_is_better").asBoolean())));
            key.addAll(order(c.byPolicy().keySet()));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(c);
        }
        List<ComparisonTable> out = new ArrayList<>();
        for (Map.Entry<List<String>, List<Case>> g : groups.entrySet()) {
            List<String> k = g.getKey();
            List<String> policies = k.subList(4, k.size());
            // the same statistic compare uses: the median for tail latencies, the arithmetic mean otherwise
            JsonNode sample = g.getValue().get(0).first().root();
            PolicyComparison.Builder b = PolicyComparison.builder(k.get(1) + " on " + k.get(0)).units(k.get(2))
                    .higherIsBetter(Boolean.parseBoolean(k.get(3))).policies(policies)
                    .statistic(org.schedlab.experiment.Metric.HEADLINE.statistic(sample));
            for (Case c : g.getValue()) {
                List<double[]> samples = new ArrayList<>();
                for (String p : policies)
                    samples.add(c.byPolicy().get(p).stream().mapToDouble(Result::headline).toArray());
                b.row(c.label(), samples);
            }
            out.add(new ComparisonTable(b.build()));
        }
        return out;
    }

    /** Policies with the baseline first, then alphabetical. */
    static List<String> order(Set<String> policies) {
        String base = baseline(policies);
        List<String> out = new ArrayList<>();
        out.add(base);
        for (String p : new TreeSet<>(policies)) if (!p.equals(base)) out.add(p);
        return out;
    }

    // ---- rendering --------------------------------------------------------------------------------------------

    private static final String CSP = "default-src 'none'; style-src 'unsafe-inline'";
    private static final String CSS = "body{font:14px/1.45 sans-serif;color:#222;margin:24px auto;max-width:1200px;padding:0 16px}"
            + "h1{font-size:22px}h2{font-size:18px;border-bottom:2px solid #ccc;padding-bottom:4px;margin-top:40px}"
            + "h3{font-size:15px;margin:20px 0 8px}pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:10px;"
            + "overflow-x:auto;font-size:12px}table.runs{border-collapse:collapse;font-size:13px}"
            + "table.runs th,table.runs td{border:1px solid #ddd;padding:3px 8px;text-align:right;vertical-align:top}"
            + "table.runs th{background:#f3f3f3}table.runs td.l{text-align:left}.note{color:#666;font-size:13px}"
            + ".charts{display:flex;flex-wrap:wrap;gap:16px}figure{margin:0 0 16px}figcaption{font-size:13px;"
            + "margin-bottom:4px}code{font-size:13px}.swatch{display:inline-block;width:10px;height:10px;"
            + "margin-right:4px}\n";

    /** Renders the report page for {@code loaded}. */
    public static String render(Loaded loaded) {
        List<Case> cases = cases(loaded.results());
        TreeSet<String> allPolicies = new TreeSet<>();
        for (Result r : loaded.results()) allPolicies.add(r.policy());
        List<String> policyList = new ArrayList<>(allPolicies);

        StringBuilder sb = new StringBuilder(1 << 16);
        sb.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
          .append("<meta http-equiv=\"Content-Security-Policy\" content=\"").append(CSP).append("\">\n")
          .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
          .append("<title>schedlab report</title>\n<style>\n").append(CSS).append(SvgCharts.STYLE)
          .append("</style>\n</head>\n<body>\n<h1>schedlab report</h1>\n");
        sb.append("<p class=\"note\">").append(loaded.results().size()).append(" result")
          .append(loaded.results().size() == 1 ? "" : "s").append(" in ").append(cases.size()).append(" case")
          .append(cases.size() == 1 ? "" : "s").append("; policies: ");
        for (int i = 0; i < policyList.size(); i++) {
            if (i > 0) sb.append(", ");
            sb.append("<span class=\"swatch\" style=\"background:").append(SvgCharts.colour(i)).append("\"></span>")
              .append(escape(policyList.get(i)));
        }
        sb.append(".</p>\n");

        if (!cases.isEmpty()) {
            sb.append("<h2 id=\"tables\">Comparison of the headline metric</h2>\n<p class=\"note\">Statistic of the "
                    + "per-seed values normalized to the baseline (pull when present, else the first policy in "
                    + "alphabetical order), [percent improvement, positive is better], (coefficient of variation "
                    + "in %); <code>*</code> marks a difference significant at 95% (Welch's t-test).</p>\n");
            for (ComparisonTable t : tables(loaded.results()))
                sb.append("<pre class=\"comparison\">").append(escape(t.text())).append("</pre>\n");
            sb.append("<h2 id=\"cases\">Cases</h2>\n<ol>\n");
            for (int i = 0; i < cases.size(); i++) {
                Case c = cases.get(i);
                sb.append("<li><a href=\"#case-").append(i + 1).append("\">").append(escape(c.label())).append(" on ")
                  .append(escape(c.topology())).append("</a></li>\n");
            }
            sb.append("</ol>\n");
        }
        for (int i = 0; i < cases.size(); i++) renderCase(sb, cases.get(i), i + 1, policyList);
        if (!loaded.skipped().isEmpty()) {
            sb.append("<h2 id=\"skipped\">Skipped files</h2>\n<ul class=\"skipped\">\n");
            for (String s : loaded.skipped()) sb.append("<li>").append(escape(s)).append("</li>\n");
            sb.append("</ul>\n");
        }
        if (cases.isEmpty()) sb.append("<p>No schedlab results found.</p>\n");
        sb.append("</body>\n</html>\n");
        return sb.toString();
    }

    private static void renderCase(StringBuilder sb, Case c, int index, List<String> policyList) {
        sb.append("<section class=\"case\" id=\"case-").append(index).append("\">\n<h2>")
          .append(escape(c.workload())).append(" on ").append(escape(c.topology()))
          .append(c.variant().isEmpty() ? "" : " [" + escape(c.variant()) + "]").append("</h2>\n");
        Result first = c.first();
        JsonNode cfg = first.root().path("config");
        sb.append("<p class=\"note\">params: ").append(c.params().isEmpty() ? "none" : escape(c.params()))
          .append("; duration ").append(escape(cfg.path("duration").asText())).append(", ")
          .append(cfg.path("cpus").asInt()).append(" CPUs, costs ").append(escape(cfg.path("costs").asText()))
          .append(", HZ ").append(cfg.path("hz").asInt()).append(" (from ").append(escape(first.file()))
          .append(")</p>\n");
        runsTable(sb, c);

        sb.append("<h3>CPU utilisation over time</h3>\n");
        for (Map.Entry<String, List<Result>> e : c.byPolicy().entrySet()) {
            Result r = e.getValue().stream().filter(x -> x.root().path("timeline").isObject()).findFirst().orElse(null);
            sb.append("<figure class=\"hm\"><figcaption><b>").append(escape(e.getKey())).append("</b>");
            if (r == null) {
                sb.append(": no timeline in these results</figcaption></figure>\n");
                continue;
            }
            sb.append(", seed ").append(r.seed()).append(" (").append(escape(r.file())).append(")</figcaption>\n")
              .append(SvgCharts.heatmap(r.root().path("timeline"))).append("</figure>\n");
        }

        sb.append("<h3>Latency</h3>\n<p class=\"note\">Quantiles averaged over the seeds of each policy.</p>\n")
          .append("<div class=\"charts\">\n");
        sb.append(SvgCharts.cdf("Wakeup latency CDF", "us", curves(c, "wakeup_latency_us", policyList)));
        sb.append(SvgCharts.cdf("Runqueue wait CDF", "us", curves(c, "runqueue_wait_us", policyList)));
        List<SvgCharts.Curve> resp = curves(c, "response_time_us", policyList);
        if (!resp.isEmpty()) sb.append(SvgCharts.cdf("Response time CDF", "us", resp));
        sb.append("</div>\n");

        sb.append("<h3>Migrations and balancing</h3>\n<p class=\"note\">Mean per run over the seeds of each "
                + "policy.</p>\n<div class=\"charts\">\n");
        List<String> levels = new ArrayList<>(keysInOrder(c, "migrations"));
        sb.append(SvgCharts.bars("Migrations per domain level", "migrations", levels,
                series(c, "migrations", levels, 1, policyList)));
        List<String> kinds = new ArrayList<>(new TreeSet<>(keysInOrder(c, "balance_overhead_ns")));
        sb.append(SvgCharts.bars("Balancing overhead by kind", "ms", kinds,
                series(c, "balance_overhead_ns", kinds, 1e-6, policyList)));
        sb.append("</div>\n</section>\n");
    }

    private static void runsTable(StringBuilder sb, Case c) {
        JsonNode t = c.first().throughput();
        sb.append("<table class=\"runs\">\n<tr><th>policy</th><th>runs</th><th>seeds</th><th>")
          .append(escape(t.path("metric").asText())).append(" (").append(escape(t.path("unit").asText()))
          .append(", ").append(t.path("higher_is_better").asBoolean() ? "higher" : "lower")
          .append(" is better)<br>mean \u00b1 sd</th><th>wakeup latency<br>p50 / p99 \u00b5s</th>")
          .append("<th>runqueue wait<br>p99 \u00b5s</th><th>migrations</th><th>utilisation</th><th>files</th></tr>\n");
        for (Map.Entry<String, List<Result>> e : c.byPolicy().entrySet()) {
            List<Result> rs = e.getValue();
            double[] h = rs.stream().mapToDouble(Result::headline).toArray();
            long unfinished = java.util.Arrays.stream(h).filter(Double::isNaN).count();
            double mean = mean(h), sd = 0;
            if (h.length > 1) {
                for (double x : h) sd += (x - mean) * (x - mean);
                sd = Math.sqrt(sd / (h.length - 1));
            }
            String headline = unfinished > 0 ? "unfinished " + unfinished + "/" + h.length
                    : fmt(mean) + (h.length > 1 ? " \u00b1 " + fmt(sd) : "");
            sb.append("<tr><td class=\"l\">").append(escape(e.getKey())).append("</td><td>").append(rs.size())
              .append("</td><td class=\"l\">").append(escape(rs.stream().map(r -> Long.toString(r.seed()))
                      .collect(Collectors.joining(", "))))
              .append("</td><td>").append(headline)
              .append("</td><td>").append(fmt(meanOf(rs, "wakeup_latency_us", "p50"))).append(" / ")
              .append(fmt(meanOf(rs, "wakeup_latency_us", "p99")))
              .append("</td><td>").append(fmt(meanOf(rs, "runqueue_wait_us", "p99")))
              .append("</td><td>").append(fmt(rs.stream().mapToDouble(r -> r.metrics().path("migrations_total").asDouble()).average().orElse(0)))
              .append("</td><td>").append(fmt(100 * rs.stream().mapToDouble(r -> r.metrics().path("utilisation").asDouble()).average().orElse(0)))
              .append("%</td><td class=\"l\">");
            for (int i = 0; i < rs.size(); i++) {
                if (i > 0) sb.append("<br>");
                sb.append("<code>").append(escape(rs.get(i).file())).append("</code>");
            }
            sb.append("</td></tr>\n");
        }
        sb.append("</table>\n");
    }

    private static double meanOf(List<Result> rs, String metric, String field) {
        return rs.stream().mapToDouble(r -> r.metrics().path(metric).path(field).asDouble()).average().orElse(0);
    }

    private static double mean(double[] xs) {
        double s = 0;
        for (double x : xs) s += x;
        return xs.length == 0 ? 0 : s / xs.length;
    }

    /** Per policy, the CDF quantile by quantile averaged over the seeds whose CDF has the first one's quantiles. */
    private static List<SvgCharts.Curve> curves(Case c, String metric, List<String> policyList) {
        List<SvgCharts.Curve> out = new ArrayList<>();
        for (Map.Entry<String, List<Result>> e : c.byPolicy().entrySet()) {
            double[][] sum = null;
            int n = 0;
            for (Result r : e.getValue()) {
                JsonNode cdf = r.metrics().path(metric).path("cdf");
                if (!cdf.isArray() || cdf.isEmpty() || r.metrics().path(metric).path("count").asLong() == 0) continue;
                double[][] pts = new double[cdf.size()][2];
                for (int i = 0; i < cdf.size(); i++) {
                    pts[i][0] = cdf.get(i).path(0).asDouble();
                    pts[i][1] = cdf.get(i).path(1).asDouble();
                }
                if (sum == null) {
                    sum = new double[pts.length][2];
                    for (int i = 0; i < pts.length; i++) sum[i][1] = pts[i][1];
                } else if (!sameQuantiles(sum, pts)) {
                    continue;
                }
                for (int i = 0; i < pts.length; i++) sum[i][0] += pts[i][0];
                n++;
            }
            if (sum == null) continue;
            for (double[] p : sum) p[0] /= n;
            out.add(new SvgCharts.Curve(e.getKey() + (n > 1 ? " (" + n + " seeds)" : ""),
                    SvgCharts.colour(policyList.indexOf(e.getKey())), sum));
        }
        return out;
    }

    private static boolean sameQuantiles(double[][] a, double[][] b) {
        if (a.length != b.length) return false;
        for (int i = 0; i < a.length; i++) if (a[i][1] != b[i][1]) return false;
        return true;
    }

    /** Keys of a metrics object over all runs of a case, in the order they first appear. */
    private static Set<String> keysInOrder(Case c, String metric) {
        Set<String> keys = new LinkedHashSet<>();
        for (List<Result> rs : c.byPolicy().values())
            for (Result r : rs) r.metrics().path(metric).fieldNames().forEachRemaining(keys::add);
        return keys;
    }

    private static List<SvgCharts.Series> series(Case c, String metric, List<String> keys, double scale,
                                                 List<String> policyList) {
        List<SvgCharts.Series> out = new ArrayList<>();
        for (Map.Entry<String, List<Result>> e : c.byPolicy().entrySet()) {
            double[] v = new double[keys.size()];
            for (int k = 0; k < keys.size(); k++) {
                final String key = keys.get(k);
                v[k] = scale * e.getValue().stream().mapToDouble(r -> r.metrics().path(metric).path(key).asDouble())
                        .average().orElse(0);
            }
            out.add(new SvgCharts.Series(e.getKey(), SvgCharts.colour(policyList.indexOf(e.getKey())), v));
        }
        return out;
    }

    private static String fmt(double v) { return SvgCharts.label(v); }

    /** HTML-escapes text for element content and quoted attribute values: &amp; &lt; &gt; &quot; &#39;. */
    public static String escape(String s) {
        StringBuilder sb = null;
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            String rep = switch (ch) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                default -> null;
            };
            if (rep == null) {
                if (sb != null) sb.append(ch);
                continue;
            }
            if (sb == null) sb = new StringBuilder(s.length() + 16).append(s, 0, i);
            sb.append(rep);
        }
        return sb == null ? s : sb.toString();
    }
}
