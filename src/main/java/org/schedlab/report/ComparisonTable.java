package org.schedlab.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.experiment.Statistic;
import org.schedlab.experiment.PolicyComparison;
import org.schedlab.experiment.PolicyComparison.Cell;
import org.schedlab.experiment.PolicyComparison.Row;
import org.schedlab.experiment.Summary;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * A {@link PolicyComparison} printed in the layout kernel developers paste into LKML cover letters, or as
 * markdown, CSV or JSON. This class only formats; every number comes from the comparison.
 *
 * <p>Each cell prints, for one (case, policy): the chosen {@link Statistic} normalized to the baseline's
 * (baseline = 1.00); the percent improvement over the baseline, positive when better; the coefficient of
 * variation of the samples in percent; and whether Welch's t-test finds the means different from the
 * baseline's at 95% (marked {@code *}). The baseline's own
 * improvement prints as {@code -0.00} when lower is better and {@code 0.00} when higher is better, as in the
 * cover letters; structured formats give it as 0.
 *
 * <p>Where the baseline statistic is 0 and the policy's is not, no ratio exists: text and markdown print
 * {@code -}, CSV leaves the field empty and JSON gives null. No format ever contains NaN.
 *
 * <p>A cell with unfinished runs ({@link Cell#finished()} false) has no number: text and markdown print
 * {@code unfinished K/N} (K of its N runs) in its place, with a footer line saying what that means; CSV gives
 * {@code unfinished} as its value and leaves the numbers empty; JSON gives null numbers and {@code "unfinished": K}.
 *
 * <p>Text layout: 66-character {@code =} rules around the header block; case labels right-aligned to the widest;
 * cells {@code %4.2f [%6.2f](%5.2f)} (fields widen together down a column if a number needs more room) five
 * spaces apart, a significance marker taking the first of those spaces; column headings
 * {@code name[pct imp](CV)} end two characters before the first column's cells and one before the others', and
 * columns move right where a heading would otherwise touch its neighbour. A footer line explains the marker
 * only when some cell carries it. All output is deterministic and ends with a newline.
 */
public final class ComparisonTable {
    /** Output formats. */
    public enum Format {
        TEXT, MARKDOWN, CSV, JSON;

        public static Format parse(String s) {
            for (Format f : values()) if (f.name().equalsIgnoreCase(s.trim())) return f;
            throw new IllegalArgumentException("unknown format '" + s + "' (expected text, markdown, csv or json)");
        }
    }

    static final int RULE_WIDTH = 66;
    private static final int GAP = 5;
    private static final String MARK = "*";

    private final PolicyComparison comparison;

    public ComparisonTable(PolicyComparison c) { this.comparison = c; }

    private List<Row> rows() { return comparison.rows(); }

    private List<String> policies() { return comparison.policies(); }

    /** The comparison this table prints. */
    public PolicyComparison comparison() { return comparison; }

    /** "Higher is better" or "Lower is better". */
    public String interpretation() { return comparison.interpretation(); }

    /** Tables of several comparisons in text layout, one after another, in a Markdown code block. */
    public static String codeBlock(List<PolicyComparison> comparisons) {
        StringBuilder sb = new StringBuilder("```\n");
        for (int i = 0; i < comparisons.size(); i++) {
            if (i > 0) sb.append('\n');
            sb.append(new ComparisonTable(comparisons.get(i)).text());
        }
        return sb.append("```\n").toString();
    }

    public String render(Format f) {
        return switch (f) {
            case TEXT -> text();
            case MARKDOWN -> markdown();
            case CSV -> csv();
            case JSON -> json();
        };
    }

    // ---- text -------------------------------------------------------------------------------------------------

    private static String fmt(String pattern, double v) { return String.format(Locale.ROOT, pattern, v); }

    private static String fmt(String pattern, OptionalDouble v) {
        return v.isPresent() ? fmt(pattern, v.getAsDouble()) : "-";
    }

    private static String padLeft(String s, int w) {
        return s.length() >= w ? s : " ".repeat(w - s.length()) + s;
    }

    private static String heading(String policy) { return policy + "[pct imp](CV)"; }

    /** What an unfinished cell prints instead of its numbers. */
    private static String unfinished(Cell c) { return "unfinished " + c.unfinished() + "/" + c.runs(); }

    private boolean anyUnfinished() {
        for (Row r : rows()) for (Cell c : r.cells()) if (!c.finished()) return true;
        return false;
    }

    /**
     * The cell strings "v [pct](cv)", each field padded to the widest in its column so the columns align; an
     * unfinished cell right-aligned to the same width (the value field widening when it needs more room).
     */
    private String[][] cellStrings() {
        int np = policies().size();
        int[] vw = new int[np], pw = new int[np], cw = new int[np];
        String[][][] parts = new String[rows().size()][np][];
        for (int p = 0; p < np; p++) { vw[p] = 4; pw[p] = 6; cw[p] = 5; }
        for (int r = 0; r < rows().size(); r++) {
            for (int p = 0; p < np; p++) {
                Cell c = rows().get(r).cells().get(p);
                if (!c.finished()) continue;
                String[] s = { fmt("%.2f", c.normalized()), fmt("%.2f", c.pctImp()), fmt("%.2f", c.summary().cv()) };
                parts[r][p] = s;
                vw[p] = Math.max(vw[p], s[0].length());
                pw[p] = Math.max(pw[p], s[1].length());
                cw[p] = Math.max(cw[p], s[2].length());
            }
        }
        for (int r = 0; r < rows().size(); r++)
            for (int p = 0; p < np; p++) {
                Cell c = rows().get(r).cells().get(p);
                if (!c.finished()) vw[p] = Math.max(vw[p], unfinished(c).length() - (pw[p] + cw[p] + 5));
            }
        String[][] out = new String[rows().size()][np];
        for (int r = 0; r < rows().size(); r++)
            for (int p = 0; p < np; p++) {
                String[] s = parts[r][p];
                out[r][p] = s == null ? padLeft(unfinished(rows().get(r).cells().get(p)), vw[p] + pw[p] + cw[p] + 5)
                        : padLeft(s[0], vw[p]) + " [" + padLeft(s[1], pw[p]) + "](" + padLeft(s[2], cw[p]) + ")";
            }
        return out;
    }

    /** Plain-text table in the LKML cover-letter layout. */
    public String text() {
        int np = policies().size();
        String[][] cells = cellStrings();
        int labelW = 0;
        for (Row r : rows()) labelW = Math.max(labelW, r.label().length());
        int[] cellW = new int[np];
        for (int p = 0; p < np; p++) cellW[p] = cells.length == 0 ? 20 : cells[0][p].length();

        int[] gap = new int[np];
        int[] headStart = new int[np];
        int pos = labelW;
        int prevHeadEnd = comparison.caseHeader().length();
        for (int p = 0; p < np; p++) {
            int cellEnd = pos + GAP + cellW[p];
            int headEnd = cellEnd - (p == 0 ? 2 : 1);
            int shortfall = prevHeadEnd + 1 - (headEnd - heading(policies().get(p)).length());
            gap[p] = GAP + Math.max(0, shortfall);
            cellEnd += gap[p] - GAP;
            headEnd += gap[p] - GAP;
            headStart[p] = headEnd - heading(policies().get(p)).length();
            prevHeadEnd = headEnd;
            pos = cellEnd;
        }

        StringBuilder sb = new StringBuilder();
        String rule = "=".repeat(RULE_WIDTH);
        sb.append(rule).append('\n');
        sb.append("Test          : ").append(comparison.test()).append('\n');
        sb.append("Units         : ").append(comparison.units()).append('\n');
        sb.append("Interpretation: ").append(interpretation()).append('\n');
        sb.append("Statistic     : ").append(comparison.statistic().label()).append('\n');
        sb.append(rule).append('\n');

        StringBuilder head = new StringBuilder(comparison.caseHeader());
        for (int p = 0; p < np; p++) {
            head.append(" ".repeat(headStart[p] - head.length()));
            head.append(heading(policies().get(p)));
        }
        sb.append(head).append('\n');

        boolean anyMarked = false;
        for (int r = 0; r < rows().size(); r++) {
            StringBuilder line = new StringBuilder(padLeft(rows().get(r).label(), labelW));
            boolean marked = false;
            for (int p = 0; p < np; p++) {
                line.append(" ".repeat(gap[p] - (marked ? MARK.length() : 0)));
                line.append(cells[r][p]);
                marked = rows().get(r).cells().get(p).significant();
                if (marked) {
                    line.append(MARK);
                    anyMarked = true;
                }
            }
            sb.append(line).append('\n');
        }
        if (anyMarked) sb.append(MARK).append(": ").append(footer()).append('\n');
        if (anyUnfinished()) sb.append(UNFINISHED_NOTE).append('\n');
        return sb.toString();
    }

    static final String UNFINISHED_NOTE = "unfinished K/N: K of the N runs stopped at the duration before every task "
            + "exited, so they have no value; give a longer duration";

    private String footer() {
        return "difference from " + policies().get(0) + " is significant at 95% confidence (Welch's t-test)";
    }

    // ---- markdown ---------------------------------------------------------------------------------------------

    /**
     * A pipe table with the same cells as {@link #text()}, each in a code span so that brackets and spacing
     * survive rendering; columns are padded so the source lines up too.
     */
    public String markdown() {
        int np = policies().size();
        String[][] cells = cellStrings();
        String caseHeader = comparison.caseHeader();
        String caseTitle = caseHeader.endsWith(":") ? caseHeader.substring(0, caseHeader.length() - 1) : caseHeader;
        List<String[]> lines = new ArrayList<>();
        String[] head = new String[np + 1];
        head[0] = mdEscape(caseTitle);
        for (int p = 0; p < np; p++) head[p + 1] = "`" + heading(policies().get(p)) + "`";
        lines.add(head);
        boolean anyMarked = false;
        for (int r = 0; r < rows().size(); r++) {
            String[] l = new String[np + 1];
            l[0] = mdEscape(rows().get(r).label());
            for (int p = 0; p < np; p++) {
                boolean sig = rows().get(r).cells().get(p).significant();
                anyMarked |= sig;
                l[p + 1] = "`" + cells[r][p] + (sig ? MARK : "") + "`";
            }
            lines.add(l);
        }
        int[] w = new int[np + 1];
        for (String[] l : lines) for (int i = 0; i <= np; i++) w[i] = Math.max(Math.max(w[i], l[i].length()), 3);

        StringBuilder sb = new StringBuilder();
        sb.append("**").append(mdEscape(comparison.test())).append("**: ").append(mdEscape(comparison.units())).append("; ")
          .append(interpretation()).append("; Statistic: ").append(comparison.statistic().label()).append("\n\n");
        for (int i = 0; i < lines.size(); i++) {
            appendMdLine(sb, lines.get(i), w);
            if (i == 0) {
                String[] sep = new String[np + 1];
                for (int c = 0; c <= np; c++) sep[c] = "-".repeat(w[c] - 1) + ":";
                appendMdLine(sb, sep, w);
            }
        }
        if (anyMarked) sb.append("\n`").append(MARK).append("`: ").append(footer()).append('\n');
        if (anyUnfinished()) sb.append(anyMarked ? "" : "\n").append(UNFINISHED_NOTE).append('\n');
        return sb.toString();
    }

    private static void appendMdLine(StringBuilder sb, String[] cells, int[] w) {
        sb.append('|');
        for (int i = 0; i < cells.length; i++) sb.append(' ').append(padLeft(cells[i], w[i])).append(" |");
        sb.append('\n');
    }

    private static String mdEscape(String s) {
        return s.replace("\\", "\\\\").replace("|", "\\|");
    }

    // ---- csv --------------------------------------------------------------------------------------------------

    /**
     * RFC 4180 CSV, one line per (case, policy) with columns
     * {@code test,case,policy,statistic,value,normalized,pct_imp,cv_pct,n,significant}. {@code value} is rounded
     * to ten significant digits, the relative columns to six decimal places; no exponents, no trailing zeros.
     */
    public String csv() {
        StringBuilder sb = new StringBuilder("test,case,policy,statistic,value,normalized,pct_imp,cv_pct,n,significant\n");
        for (Row r : rows())
            for (Cell c : r.cells()) {
                if (!c.finished()) {
                    sb.append(csvField(comparison.test())).append(',').append(csvField(r.label())).append(',')
                      .append(csvField(c.policy())).append(',').append(comparison.statistic().label())
                      .append(",unfinished,,,,")
                      .append(c.runs()).append(",false\n");
                    continue;
                }
                sb.append(csvField(comparison.test())).append(',')
                  .append(csvField(r.label())).append(',')
                  .append(csvField(c.policy())).append(',')
                  .append(comparison.statistic().label()).append(',')
                  .append(num(c.value())).append(',')
                  .append(c.normalized().isPresent() ? rel(c.normalized().getAsDouble()) : "").append(',')
                  .append(c.pctImp().isPresent() ? rel(c.pctImp().getAsDouble()) : "").append(',')
                  .append(rel(c.summary().cv())).append(',')
                  .append(c.summary().n()).append(',')
                  .append(c.significant()).append('\n');
            }
        return sb.toString();
    }

    private static String csvField(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** A value in the input's units: ten significant digits. */
    static String num(double v) {
        if (v == 0) return "0";
        return plain(new BigDecimal(v).round(new MathContext(10, RoundingMode.HALF_EVEN)));
    }

    /** A ratio or percentage: six decimal places. */
    static String rel(double v) {
        return plain(new BigDecimal(v).setScale(6, RoundingMode.HALF_EVEN));
    }

    private static String plain(BigDecimal d) {
        return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
    }

    // ---- json -------------------------------------------------------------------------------------------------

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectWriter JSON_OUT =
            JSON.writer(new DefaultPrettyPrinter().withObjectIndenter(new DefaultIndenter("  ", "\n")));

    /**
     * JSON object {@code {test, units, higher_is_better, statistic, policies, rows: [{case, cells: [{policy,
     * value, normalized, pct_imp, cv_pct, n, ci_low, ci_high, significant}]}]}}. {@code value} is the statistic
     * in the input's units; the interval is that of the mean and is null with a single sample.
     */
    public String json() {
        ObjectNode root = JSON.createObjectNode();
        root.put("test", comparison.test());
        root.put("units", comparison.units());
        root.put("higher_is_better", comparison.higherIsBetter());
        root.put("statistic", comparison.statistic().label());
        ArrayNode pol = root.putArray("policies");
        policies().forEach(pol::add);
        ArrayNode rs = root.putArray("rows");
        for (Row r : rows()) {
            ObjectNode rn = rs.addObject();
            rn.put("case", r.label());
            ArrayNode cs = rn.putArray("cells");
            for (Cell c : r.cells()) {
                ObjectNode cn = cs.addObject();
                Summary s = c.summary();
                cn.put("policy", c.policy());
                if (!c.finished()) {
                    for (String k : new String[]{"value", "normalized", "pct_imp", "cv_pct"}) cn.putNull(k);
                    cn.put("n", c.runs());
                    cn.putNull("ci_low");
                    cn.putNull("ci_high");
                    cn.put("significant", false);
                    cn.put("unfinished", c.unfinished());
                    continue;
                }
                cn.put("value", plusZero(c.value()));
                putOptional(cn, "normalized", c.normalized());
                putOptional(cn, "pct_imp", c.pctImp());
                cn.put("cv_pct", plusZero(s.cv()));
                cn.put("n", s.n());
                if (s.hasCi()) {
                    cn.put("ci_low", plusZero(s.ciLow()));
                    cn.put("ci_high", plusZero(s.ciHigh()));
                } else {
                    cn.putNull("ci_low");
                    cn.putNull("ci_high");
                }
                cn.put("significant", c.significant());
            }
        }
        try {
            return JSON_OUT.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void putOptional(ObjectNode n, String key, OptionalDouble v) {
        if (v.isPresent()) n.put(key, plusZero(v.getAsDouble()));
        else n.putNull(key);
    }

    private static double plusZero(double v) { return v == 0 ? 0.0 : v; }
}
