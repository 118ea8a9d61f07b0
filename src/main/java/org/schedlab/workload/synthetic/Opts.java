package org.schedlab.workload.synthetic;

import org.schedlab.workload.SpecParams;
import org.schedlab.workload.WorkloadException;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;

/** Parameter parsing shared by the generators: choices, counts that may be zero, fractions and byte sizes. */
final class Opts {
    private Opts() {}

    static Set<String> keys(String... keys) { return new LinkedHashSet<>(Arrays.asList(keys)); }

    /** One of {@code allowed}, or {@code def} when the key is absent. */
    static String choice(SpecParams p, String spec, String key, String def, String... allowed) {
        String v = p.str(key, def);
        for (String a : allowed) if (a.equals(v)) return v;
        throw new WorkloadException(spec + ": " + key + " must be one of " + String.join(", ", allowed) + ", got '" + v + "'");
    }

    /** Refuses keys that belong to another variant of the workload. */
    static void refuse(SpecParams p, String spec, String... keys) {
        for (String k : keys)
            if (p.given().containsKey(k)) throw new WorkloadException(spec + ": " + k + " does not apply to this version");
    }

    /** A whole number ≥ 0. */
    static int count(SpecParams p, String spec, String key, int def) {
        String v = p.str(key, null);
        if (v == null) return def;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= 0) return n;
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new WorkloadException(spec + ": " + key + " must be a whole number >= 0, got '" + v + "'");
    }

    /** A number in [0, max]. */
    static double fraction(SpecParams p, String spec, String key, double def, double max) {
        String v = p.str(key, null);
        if (v == null) return def;
        try {
            double x = Double.parseDouble(v.trim());
            if (x >= 0 && x <= max) return x;
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new WorkloadException(spec + ": " + key + " must be a number in [0, " + max + "], got '" + v + "'");
    }

    /** A non-negative number (0 allowed). */
    static double nonNegative(SpecParams p, String spec, String key, double def) {
        String v = p.str(key, null);
        if (v == null) return def;
        try {
            double x = Double.parseDouble(v.trim());
            if (x >= 0 && !Double.isInfinite(x)) return x;
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new WorkloadException(spec + ": " + key + " must be a number >= 0, got '" + v + "'");
    }

    /** A positive size in bytes with an optional K, M or G suffix (powers of 1024). */
    static long bytes(SpecParams p, String spec, String key, long def) {
        String v = p.str(key, null);
        if (v == null) return def;
        String s = v.trim().toUpperCase();
        if (s.endsWith("B")) s = s.substring(0, s.length() - 1);
        long mult = 1;
        if (s.endsWith("K")) mult = 1L << 10;
        else if (s.endsWith("M")) mult = 1L << 20;
        else if (s.endsWith("G")) mult = 1L << 30;
        if (mult > 1) s = s.substring(0, s.length() - 1);
        try {
            double x = Double.parseDouble(s) * mult;
            if (x >= 1 && x < 1e15) return Math.round(x);
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new WorkloadException(spec + ": " + key + " must be a positive size like 100, 64K or 10M, got '" + v + "'");
    }

    /** At most one of two synonymous keys. */
    static String synonym(SpecParams p, String spec, String key, String alias) {
        if (p.given().containsKey(key) && p.given().containsKey(alias))
            throw new WorkloadException(spec + ": give either " + key + " or " + alias + ", not both");
        return p.given().containsKey(alias) ? alias : key;
    }
}
