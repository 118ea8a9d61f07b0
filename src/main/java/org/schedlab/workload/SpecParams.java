package org.schedlab.workload;

import org.schedlab.Units;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The key=value list of a {@code NAME:k=v,...} spec, with checks that report the spec and the key. */
public final class SpecParams {
    private final String spec;
    private final Map<String, String> values = new LinkedHashMap<>();
    private final Set<String> known;

    public SpecParams(String spec, String body, Set<String> known) {
        this.spec = spec;
        this.known = known;
        if (body == null || body.isBlank()) return;
        for (String kv : splitTopLevel(body)) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new WorkloadException(spec + ": expected key=value, got '" + kv + "'");
            String k = kv.substring(0, eq).trim(), v = kv.substring(eq + 1).trim();
            if (!known.contains(k))
                throw new WorkloadException(spec + ": unknown key '" + k + "'; expected one of " + String.join(", ", known));
            values.put(k, v);
        }
    }

    /** Splits on commas that are not inside a distribution like {@code lognormal:1ms:0.5}. */
    private static String[] splitTopLevel(String body) {
        return body.split(",(?=[a-zA-Z_][a-zA-Z0-9_-]*=)");
    }

    public Map<String, String> given() { return values; }

    public String str(String key, String def) { return values.getOrDefault(key, def); }

    public int posInt(String key, int def) {
        String v = values.get(key);
        if (v == null) return def;
        try {
            return Units.parsePositiveInt(spec + ": " + key, v);
        } catch (org.schedlab.InputError e) {
            throw new WorkloadException(e.getMessage());
        }
    }

    public double posDouble(String key, double def) {
        String v = values.get(key);
        if (v == null) return def;
        try {
            return Units.parsePositive(spec + ": " + key, v);
        } catch (org.schedlab.InputError e) {
            throw new WorkloadException(e.getMessage());
        }
    }

    public long duration(String key, long def) {
        String v = values.get(key);
        if (v == null) return def;
        try {
            return Units.parseDuration(spec + ": " + key, v);
        } catch (org.schedlab.InputError e) {
            throw new WorkloadException(e.getMessage());
        }
    }

    /** A distribution: {@code exp:1ms}, {@code det:1ms}, {@code uniform:1ms:3ms}, {@code lognormal:1ms:0.5}. */
    public Dist dist(String key, Dist def) {
        String v = values.get(key);
        if (v == null) return def;
        return parseDist(spec + ": " + key, v);
    }

    public static Dist parseDist(String what, String v) {
        String[] parts = v.split(":");
        try {
            switch (parts[0]) {
                case "exp":
                    need(what, v, parts, 2);
                    return Dist.exp(positiveNs(what, parts[1]));
                case "det":
                case "const":
                    need(what, v, parts, 2);
                    return Dist.constant(Units.parseDuration(what, parts[1]));
                case "uniform":
                    need(what, v, parts, 3);
                    long lo = Units.parseDuration(what, parts[1]), hi = Units.parseDuration(what, parts[2]);
                    if (hi < lo) throw new WorkloadException(what + ": uniform bounds reversed in '" + v + "'");
                    return Dist.uniform(lo, hi);
                case "lognormal":
                    need(what, v, parts, 3);
                    return Dist.lognormal(positiveNs(what, parts[1]), Units.parsePositive(what, parts[2]));
                default:
                    if (parts.length == 1) return Dist.constant(Units.parseDuration(what, v));
                    throw new WorkloadException(what + ": unknown distribution '" + parts[0]
                            + "'; expected exp:D, det:D, uniform:A:B or lognormal:MEDIAN:SIGMA");
            }
        } catch (WorkloadException e) {
            throw e;
        } catch (org.schedlab.InputError e) {
            throw new WorkloadException(e.getMessage());
        }
    }

    private static double positiveNs(String what, String d) {
        long ns = Units.parseDuration(what, d);
        if (ns <= 0) throw new WorkloadException(what + ": duration must be positive, got '" + d + "'");
        return ns;
    }

    private static void need(String what, String v, String[] parts, int n) {
        if (parts.length != n) throw new WorkloadException(what + ": malformed distribution '" + v + "'");
    }
}
