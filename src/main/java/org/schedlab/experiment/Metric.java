package org.schedlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.schedlab.InputError;

import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A number read from the result JSON of a run (docs/results.md), with what a comparison needs to know about it:
 * a name, a unit, whether higher is better and the statistic that summarises it over seeds.
 *
 * <p>{@link #HEADLINE} is the run's {@code throughput} object: name, unit and direction come from the JSON. Any
 * other metric is a dotted path such as {@code metrics.wakeup_latency_us.p99}; the leading {@code metrics.} may
 * be left out. Keys that themselves contain dots resolve by preferring the longest key present. Below the maps
 * that list only what occurred ({@code metrics.migrations}, {@code metrics.migration_refill_ns},
 * {@code metrics.balance_overhead_ns}, {@code metrics.counts}) the rest of the path is one key, such as
 * {@code metrics.counts.events.tick}, and a missing key reads as 0.
 *
 * <p>Defaults, each overridable by a suffix {@code PATH:higher}, {@code :lower}, {@code :amean}, {@code :hmean},
 * {@code :median}:
 * <ul>
 *   <li>statistic: Median for tail values (a last key {@code pNN}, {@code p999} or {@code max}, or a headline
 *       named {@code ..._pNN}), AMean otherwise;</li>
 *   <li>direction: higher is better for rates ({@code per_s}), {@code utilisation}, {@code fairness_jain},
 *       {@code jobs_completed}, mark counts and {@code work_ns.executed}; lower is better for everything else
 *       (latencies, waits, overheads, migrations, idle time, counts);</li>
 *   <li>unit: from the nearest key with a unit suffix ({@code _ns}, {@code _us}, {@code _ms}, {@code per_s}),
 *       otherwise none.</li>
 * </ul>
 */
public final class Metric {
    /** The headline {@code throughput} of the run. */
    public static final Metric HEADLINE = new Metric(null, "throughput", null, null, null);

    private static final Pattern TAIL = Pattern.compile("p\\d+|max");
    /** Maps that list only what occurred: below them the rest of the path is one key, and a missing one is 0. */
    private static final Set<String> COUNTER_MAPS = Set.of("metrics.migrations", "metrics.migration_refill_ns",
            "metrics.balance_overhead_ns", "metrics.counts");
    private static final Pattern TAIL_NAME = Pattern.compile(".*_p\\d+");

    private final String[] path;
    private final String spec;
    private final String unit;
    private final Boolean higherIsBetter;
    private final Statistic statistic;

    private Metric(String[] path, String spec, String unit, Boolean higherIsBetter, Statistic statistic) {
        this.path = path;
        this.spec = spec;
        this.unit = unit;
        this.higherIsBetter = higherIsBetter;
        this.statistic = statistic;
    }

    /** Parses {@code PATH[:higher|:lower][:amean|:hmean|:median]}. */
    public static Metric parse(String text) {
        String[] parts = text.trim().split(":", -1);
        String p = parts[0].trim();
        if (p.equals("throughput") && parts.length == 1) return HEADLINE;
        if (p.isEmpty() || p.startsWith(".") || p.endsWith(".") || p.contains(".."))
            throw new InputError("--metric: '" + text + "' is not a dotted path like metrics.wakeup_latency_us.p99");
        if (!p.startsWith("metrics.") && !p.equals("metrics") && !p.startsWith("throughput.")
                && !p.equals("sim_time_ns") && !p.equals("events"))
            p = "metrics." + p;
        String[] segs = p.split("\\.");
        String last = segs[segs.length - 1];
        Boolean higher = null;
        Statistic stat = null;
        for (int i = 1; i < parts.length; i++) {
            String opt = parts[i].trim().toLowerCase(Locale.ROOT);
            switch (opt) {
                case "higher" -> higher = true;
                case "lower" -> higher = false;
                case "amean", "hmean", "median" -> stat = Statistic.parse(opt);
                default -> throw new InputError("--metric: unknown option '" + parts[i] + "' in '" + text
                        + "'; expected higher, lower, amean, hmean or median");
            }
        }
        if (higher == null) higher = defaultHigher(p, last);
        if (stat == null) stat = TAIL.matcher(last).matches() ? Statistic.MEDIAN : Statistic.AMEAN;
        return new Metric(segs, p, unitOf(segs), higher, stat);
    }

    private static boolean defaultHigher(String p, String last) {
        if (last.endsWith("per_s") || p.equals("metrics.utilisation") || p.equals("metrics.fairness_jain")
                || p.equals("metrics.jobs_completed") || p.equals("metrics.work_ns.executed")) return true;
        return p.startsWith("metrics.marks.") && last.equals("count");
    }

    private static String unitOf(String[] segs) {
        for (int i = segs.length - 1; i >= 0; i--) {
            String s = segs[i];
            if (s.endsWith("per_s")) return "1/s";
            for (String u : new String[]{"ns", "us", "ms"}) if (s.endsWith("_" + u) || s.equals(u)) return u;
        }
        return "";
    }

    public boolean isHeadline() { return path == null; }

    /** The dotted path (without options), or "throughput" for the headline. */
    public String path() { return spec; }

    /** A short name: the path without its leading {@code metrics.}, or the headline's own name. */
    public String name(JsonNode result) {
        if (isHeadline()) return text(result.path("throughput"), "metric");
        return spec.startsWith("metrics.") ? spec.substring("metrics.".length()) : spec;
    }

    public String unit(JsonNode result) {
        return isHeadline() ? text(result.path("throughput"), "unit") : unit;
    }

    public boolean higherIsBetter(JsonNode result) {
        if (!isHeadline()) return higherIsBetter;
        JsonNode h = result.path("throughput").path("higher_is_better");
        if (!h.isBoolean()) throw new IllegalStateException("result has no throughput.higher_is_better");
        return h.booleanValue();
    }

    public Statistic statistic(JsonNode result) {
        if (!isHeadline()) return statistic;
        return TAIL_NAME.matcher(name(result)).matches() ? Statistic.MEDIAN : Statistic.AMEAN;
    }

    /** The metric's value in {@code result}; an {@link InputError} naming the path when there is none. */
    public double value(JsonNode result) {
        if (isHeadline()) return Runner.headlineValue(result);
        JsonNode node = result;
        int i = 0;
        while (i < path.length) {
            if (!node.isObject()) throw missing(node, i);
            if (COUNTER_MAPS.contains(String.join(".", Arrays.copyOfRange(path, 0, i)))) {
                JsonNode v = node.get(String.join(".", Arrays.copyOfRange(path, i, path.length)));
                if (v == null) return 0;
                node = v;
                break;
            }
            int j = path.length;
            while (j > i && !node.has(String.join(".", Arrays.copyOfRange(path, i, j)))) j--;
            if (j == i) throw missing(node, i);
            node = node.get(String.join(".", Arrays.copyOfRange(path, i, j)));
            i = j;
        }
        if (!node.isNumber()) throw new InputError("--metric " + spec + ": is not a number but "
                + (node.isObject() ? "an object with keys " + keys(node) : node.getNodeType().toString().toLowerCase(Locale.ROOT)));
        return node.doubleValue();
    }

    private InputError missing(JsonNode at, int i) {
        String where = String.join(".", Arrays.copyOfRange(path, 0, i));
        String known = at.isObject() ? "; keys there: " + keys(at) : "";
        return new InputError("--metric " + spec + ": no key '" + path[i] + "' in "
                + (where.isEmpty() ? "the result" : where) + known);
    }

    private static String keys(JsonNode n) {
        StringBuilder sb = new StringBuilder();
        int k = 0;
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            if (k++ == 12) {
                sb.append(", ...");
                break;
            }
            if (sb.length() > 0) sb.append(", ");
            sb.append(it.next().getKey());
        }
        return sb.toString();
    }

    private static String text(JsonNode o, String key) {
        JsonNode v = o.path(key);
        if (!v.isTextual()) throw new IllegalStateException("result has no throughput." + key);
        return v.textValue();
    }

    @Override public String toString() { return spec; }
}
