package org.schedlab;

/** Parsing of durations ("2s", "500ms", "20us", "100ns", "1.5ms") and rates; errors are {@link InputError}s. */
public final class Units {
    private Units() {}

    /** Duration in ns. Accepts ns, us (µs), ms, s, m, with an optional fractional part; at most about 2.4 h. */
    public static long parseDuration(String what, String text) {
        return parseDuration(what, text, org.schedlab.engine.EventQueue.MAX_TIME);
    }

    /** {@link #parseDuration(String, String)} refusing durations longer than {@code maxNs}. */
    public static long parseDuration(String what, String text, long maxNs) {
        String s = text.trim().toLowerCase().replace("µs", "us");
        int i = 0;
        while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.' || s.charAt(i) == '-' || s.charAt(i) == '+' || s.charAt(i) == 'e' && i > 0 && i + 1 < s.length() && (Character.isDigit(s.charAt(i + 1)) || s.charAt(i + 1) == '-')))
            i++;
        String num = s.substring(0, i), unit = s.substring(i).trim();
        double v;
        try {
            v = Double.parseDouble(num);
        } catch (NumberFormatException e) {
            throw new InputError(what + ": '" + text + "' is not a duration; expected e.g. 2s, 500ms, 20us, 100ns");
        }
        double scale;
        switch (unit) {
            case "ns": scale = 1; break;
            case "us": scale = 1e3; break;
            case "ms": scale = 1e6; break;
            case "s": case "": scale = unit.isEmpty() ? Double.NaN : 1e9; break;
            case "m": case "min": scale = 60e9; break;
            default:
                throw new InputError(what + ": unknown unit '" + unit + "' in '" + text + "'; expected ns, us, ms, s or m");
        }
        if (Double.isNaN(scale))
            throw new InputError(what + ": '" + text + "' has no unit; expected e.g. 2s, 500ms, 20us, 100ns");
        if (v < 0 || Double.isNaN(v) || Double.isInfinite(v))
            throw new InputError(what + ": duration must not be negative, got '" + text + "'");
        double ns = v * scale;
        if (ns > maxNs) throw new InputError(what + ": " + tooLong(text.trim(), maxNs));
        return Math.round(ns);
    }

    /** "duration 'TEXT' is longer than the limit of MAX": the one wording of every duration limit. */
    public static String tooLong(String text, long maxNs) {
        return "duration '" + text + "' is longer than the limit of " + formatDuration(maxNs);
    }

    public static double parsePositive(String what, String text) {
        double v;
        try {
            v = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new InputError(what + ": '" + text + "' is not a number");
        }
        if (!(v > 0) || Double.isInfinite(v)) throw new InputError(what + ": must be a positive number, got '" + text + "'");
        return v;
    }

    public static int parsePositiveInt(String what, String text) {
        int v;
        try {
            v = Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InputError(what + ": '" + text + "' is not an integer");
        }
        if (v <= 0) throw new InputError(what + ": must be a positive integer, got " + v);
        return v;
    }

    public static String formatDuration(long ns) {
        if (ns % 1_000_000_000L == 0) return ns / 1_000_000_000L + "s";
        if (ns % 1_000_000L == 0) return ns / 1_000_000L + "ms";
        if (ns % 1_000L == 0) return ns / 1_000L + "us";
        return ns + "ns";
    }
}
