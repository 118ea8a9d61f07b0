package org.schedlab.report;

import org.schedlab.experiment.Validation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Validation checks against a real machine as a Markdown table (one row per check: the model's value, the
 * published one, the tolerance, the verdict), followed by the known causes of the misses as numbered notes, one
 * note per distinct cause.
 */
public final class CheckTable {
    private CheckTable() {}

    public static String markdown(List<Validation.Check> checks) {
        StringBuilder b = new StringBuilder();
        b.append("| check | model | published | tolerance | verdict |\n|---|---|---|---|---|\n");
        Map<String, Integer> notes = new LinkedHashMap<>();
        int passed = 0;
        for (Validation.Check c : checks) {
            String verdict = c.pass ? "reproduced" : "not reproduced";
            if (c.pass) passed++;
            if (c.known != null) verdict += " (" + notes.computeIfAbsent(c.known, k -> notes.size() + 1) + ")";
            b.append("| ").append(c.name.replace("|", "/")).append(" | ").append(num(c.measured)).append(' ')
                    .append(c.unit).append(" | ").append(num(c.expected)).append(" | ±").append(num(c.tolerance))
                    .append(" | ").append(verdict).append(" |\n");
        }
        b.append('\n').append(passed).append(" of ").append(checks.size()).append(" reproduced.\n");
        if (!notes.isEmpty()) b.append("\nWhat is known of the misses:\n\n");
        notes.forEach((known, n) -> b.append(n).append(". ").append(known).append('\n'));
        return b.toString();
    }

    /** A check's number as validate prints it: integers whole, else four decimals (or four significant digits). */
    public static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) return String.format(Locale.ROOT, "%.0f", v);
        if (Math.abs(v) >= 100) return String.format(Locale.ROOT, "%.1f", v);
        if (Math.abs(v) >= 0.01) return String.format(Locale.ROOT, "%.4f", v);
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
