package org.schedlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.schedlab.experiment.Runner;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Inline SVG charts for the HTML report: a per-CPU utilisation heatmap, latency CDFs on a log axis and grouped
 * bar charts. Output is a function of the arguments only (no randomness, no clock, {@link Locale#ROOT} numbers),
 * every text from the caller is HTML-escaped, and nothing refers to external resources. Any input renders in
 * bounded time: values that are not finite are left out of scales, every tick loop has a fixed number of steps, and
 * no NaN reaches the output. Colours of the heatmap
 * come from the CSS classes {@code u0}..{@code u10} that {@link #STYLE} defines.
 */
public final class SvgCharts {
    private SvgCharts() {}

    /** Heatmap colours: level 0 is idle, level k (1..10) is utilisation in ((k-1)/10, k/10]. */
    static final String[] HEAT = {"#eef1f5", "#ffffcc", "#ffeda0", "#fed976", "#feb24c", "#fd8d3c", "#fc4e2a",
            "#e31a1c", "#bd0026", "#800026", "#4d0019"};

    /** CSS rules the charts rely on. */
    public static final String STYLE;

    static {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < HEAT.length; i++) sb.append(".u").append(i).append("{fill:").append(HEAT[i]).append("}");
        sb.append("\nsvg text{font:11px sans-serif;fill:#333}svg .title{font-weight:bold;font-size:12px}"
                + "svg .axis{stroke:#666;stroke-width:1;fill:none}svg .grid{stroke:#ddd;stroke-width:1;fill:none}"
                + "svg .bracket{stroke:#999;fill:none}"
                + "svg .cdf{fill:none;stroke-width:2}svg .small{font-size:9px;fill:#777}\n");
        STYLE = sb.toString();
    }

    /** One named, coloured series of values. */
    public record Series(String name, String colour, double[] values) {}

    /** One named, coloured curve of (x, y) points. */
    public record Curve(String name, String colour, double[][] points) {}

    // ---- heatmap ----------------------------------------------------------------------------------------------

    private static final double HM_LEFT = 150, HM_WIDTH = 720, HM_TOP = 8;

    /**
     * Per-CPU utilisation over time from a result's {@code timeline}: one row per CPU ordered by package, node,
     * LLC and CPU number, LLCs separated by a 1 px gap and NUMA nodes by a wider one, each node labelled at the
     * left with its package and each LLC with its number where there is room. Adjacent buckets of the same
     * colour level merge into one rect; idle buckets show the background.
     */
    public static String heatmap(JsonNode timeline) {
        JsonNode util = timeline.path("utilisation");
        if (!util.isArray()) return "<p class=\"note\">no utilisation in this timeline</p>";
        int n = util.size();
        int nb = 0;
        for (JsonNode row : util) nb = Math.max(nb, row.isArray() ? row.size() : 0);
        if (n == 0 || nb == 0) return "<p class=\"note\">empty timeline</p>";
        int[] llc = ints(timeline.path("llc_of"), n), node = ints(timeline.path("node_of"), n),
                pkg = ints(timeline.path("package_of"), n);
        Integer[] order = new Integer[n];
        for (int c = 0; c < n; c++) order[c] = c;
        Arrays.sort(order, Comparator.<Integer>comparingInt(c -> pkg[c]).thenComparingInt(c -> node[c])
                .thenComparingInt(c -> llc[c]).thenComparingInt(c -> c));
        double rh = Math.max(1, Math.min(8, Math.floor(560.0 / n * 4) / 4));
        double llcGap = 1, nodeGap = 6;
        double bw = HM_WIDTH / nb;
        long bucketNs = timeline.path("bucket_ns").asLong(1);
        long startNs = timeline.path("start_ns").asLong(0);

        StringBuilder cells = new StringBuilder(), labels = new StringBuilder();
        double y = HM_TOP;
        double nodeY = y, llcY = y;
        for (int i = 0; i < n; i++) {
            int c = order[i];
            if (i > 0) {
                int p = order[i - 1];
                if (pkg[p] != pkg[c] || node[p] != node[c]) {
                    nodeLabel(labels, pkg[p], node[p], nodeY, y);
                    llcLabel(labels, llc[p], llcY, y);
                    y += nodeGap;
                    nodeY = y;
                    llcY = y;
                } else if (llc[p] != llc[c]) {
                    llcLabel(labels, llc[p], llcY, y);
                    y += llcGap;
                    llcY = y;
                }
            }
            JsonNode row = util.get(c).isArray() ? util.get(c) : Runner.JSON.createArrayNode();
            int b = 0;
            while (b < row.size()) {
                int level = level(row.get(b).asDouble());
                int e = b + 1;
                while (e < row.size() && level(row.get(e).asDouble()) == level) e++;
                if (level > 0)
                    cells.append("<rect class=\"u").append(level).append("\" x=\"").append(num(HM_LEFT + b * bw))
                         .append("\" y=\"").append(num(y)).append("\" width=\"").append(num((e - b) * bw))
                         .append("\" height=\"").append(num(rh)).append("\"/>");
                b = e;
            }
            cells.append('\n');
            y += rh;
        }
        int last = order[n - 1];
        nodeLabel(labels, pkg[last], node[last], nodeY, y);
        llcLabel(labels, llc[last], llcY, y);
        double plotBottom = y;

        StringBuilder sb = new StringBuilder();
        double axisY = plotBottom + 4;
        double legendY = axisY + 36;
        double height = legendY + 34;
        svgOpen(sb, "heatmap", HM_LEFT + HM_WIDTH + 30, height, "CPU utilisation heatmap");
        sb.append("<rect class=\"u0\" x=\"").append(num(HM_LEFT)).append("\" y=\"").append(num(HM_TOP))
          .append("\" width=\"").append(num(HM_WIDTH)).append("\" height=\"").append(num(plotBottom - HM_TOP))
          .append("\"/>\n");
        sb.append("<g shape-rendering=\"crispEdges\">\n").append(cells).append("</g>\n");
        sb.append(labels);
        timeAxis(sb, startNs, bucketNs, nb, axisY);
        legend(sb, legendY);
        sb.append("</svg>\n");
        return sb.toString();
    }

    private static int[] ints(JsonNode a, int n) {
        int[] r = new int[n];
        for (int i = 0; i < n && a.isArray() && i < a.size(); i++) r[i] = a.path(i).asInt();
        return r;
    }

    /** 0 for idle (below 0.5%), else the tenth the utilisation falls in, 1..10. */
    static int level(double u) {
        if (!(u >= 0.005)) return 0;
        return (int) Math.max(1, Math.min(10, Math.ceil(u * 10 - 1e-9)));
    }

    private static void nodeLabel(StringBuilder sb, int pkg, int node, double y0, double y1) {
        double mid = (y0 + y1) / 2;
        sb.append("<path class=\"bracket\" d=\"M").append(num(HM_LEFT - 44)).append(' ').append(num(y0))
          .append("h-4V").append(num(y1)).append("h4\"/>");
        sb.append("<text x=\"4\" y=\"").append(num(mid - 2)).append("\">package ").append(pkg).append("</text>");
        sb.append("<text x=\"4\" y=\"").append(num(mid + 10)).append("\">node ").append(node).append("</text>\n");
    }

    private static void llcLabel(StringBuilder sb, int llc, double y0, double y1) {
        if (y1 - y0 < 8) return;
        sb.append("<text class=\"small\" x=\"").append(num(HM_LEFT - 4)).append("\" y=\"")
          .append(num((y0 + y1) / 2 + 3)).append("\" text-anchor=\"end\">LLC ").append(llc).append("</text>\n");
    }

    /** At most this many ticks on an axis (a nice step gives at most nine). */
    private static final int MAX_TICKS = 12;

    private static void timeAxis(StringBuilder sb, long startNs, long bucketNs, int nb, double y) {
        double spanNs = (double) bucketNs * nb;
        sb.append("<path class=\"axis\" d=\"M").append(num(HM_LEFT)).append(' ').append(num(y)).append('h')
          .append(num(HM_WIDTH)).append("\"/>\n");
        double step = niceStep(spanNs / 8);
        String unit = step >= 1e8 ? "s" : step >= 1e5 ? "ms" : "us";
        double div = unit.equals("s") ? 1e9 : unit.equals("ms") ? 1e6 : 1e3;
        double first = Math.ceil(startNs / step) * step;
        // a tick per step, counted: at the far end of the range a step may be below the resolution of the time
        for (int i = 0; spanNs > 0 && i < MAX_TICKS; i++) {
            double t = first + i * step;
            if (t > startNs + spanNs * (1 + 1e-12) || i > 0 && t == first + (i - 1) * step) break;
            double x = HM_LEFT + (t - startNs) / spanNs * HM_WIDTH;
            sb.append("<path class=\"axis\" d=\"M").append(num(x)).append(' ').append(num(y)).append("v4\"/>");
            sb.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(y + 15))
              .append("\" text-anchor=\"middle\">").append(label(t / div)).append("</text>\n");
        }
        sb.append("<text x=\"").append(num(HM_LEFT + HM_WIDTH / 2)).append("\" y=\"").append(num(y + 29))
          .append("\" text-anchor=\"middle\">simulated time (").append(unit.equals("us") ? "\u00b5s" : unit)
          .append(")</text>\n");
    }

    private static void legend(StringBuilder sb, double y) {
        double w = 36;
        sb.append("<text x=\"").append(num(HM_LEFT - 8)).append("\" y=\"").append(num(y + 11))
          .append("\" text-anchor=\"end\">busy</text>");
        for (int i = 0; i < HEAT.length; i++) {
            double x = HM_LEFT + i * w;
            sb.append("<rect class=\"u").append(i).append(" legend\" x=\"").append(num(x)).append("\" y=\"")
              .append(num(y)).append("\" width=\"").append(num(w)).append("\" height=\"14\"/>");
            sb.append("<text class=\"small\" x=\"").append(num(x + w / 2)).append("\" y=\"").append(num(y + 26))
              .append("\" text-anchor=\"middle\">").append(i == 0 ? "idle" : "\u2264" + (i * 10) + "%")
              .append("</text>");
        }
        sb.append('\n');
    }

    // ---- CDF --------------------------------------------------------------------------------------------------

    private static final double W = 440, H = 270, L = 52, R = 26, T = 24, B = 40;
    /** Decades a log axis spans at most; smaller values are drawn at its left edge. */
    private static final int MAX_DECADES = 24;

    /**
     * Cumulative distributions on a log-x axis spanning whole decades, y from 0 to 1, one polyline per curve with
     * a legend; x values at or below 0 are drawn at the left edge.
     */
    public static String cdf(String title, String xUnit, List<Curve> curves) {
        StringBuilder sb = new StringBuilder();
        svgOpen(sb, "cdf", W, H + 16.0 * curves.size(), title);
        title(sb, title);
        double lo = Double.POSITIVE_INFINITY, hi = 0;
        for (Curve c : curves)
            for (double[] p : c.points()) {
                if (!(p[0] > 0) || !Double.isFinite(p[0])) continue;
                lo = Math.min(lo, p[0]);
                hi = Math.max(hi, p[0]);
            }
        if (curves.isEmpty() || hi <= 0) {
            noData(sb);
            return sb.append("</svg>\n").toString();
        }
        int d0 = (int) Math.floor(Math.log10(lo) + 1e-9), d1 = (int) Math.ceil(Math.log10(hi) - 1e-9);
        if (d1 <= d0) d1 = d0 + 1;
        d0 = Math.max(d0, d1 - MAX_DECADES);
        double pw = W - L - R, ph = H - T - B;
        final int fd0 = d0, fd1 = d1;
        java.util.function.DoubleUnaryOperator xs = v -> {
            double lv = v > 0 ? Math.log10(v) : fd0;
            return L + (Math.max(fd0, Math.min(fd1, lv)) - fd0) / (fd1 - fd0) * pw;
        };
        java.util.function.DoubleUnaryOperator ys = q -> T + (1 - (Double.isFinite(q) ? Math.max(0, Math.min(1, q)) : 0)) * ph;
        for (int d = d0; d <= d1; d++) {
            double x = xs.applyAsDouble(Math.pow(10, d));
            sb.append("<path class=\"grid\" d=\"M").append(num(x)).append(' ').append(num(T)).append('v')
              .append(num(ph)).append("\"/>");
            sb.append("<text x=\"").append(num(x)).append("\" y=\"").append(num(T + ph + 14))
              .append("\" text-anchor=\"middle\">").append(decade(d, xUnit)).append("</text>\n");
        }
        for (int i = 0; i <= 4; i++) {
            double q = i / 4.0, y = ys.applyAsDouble(q);
            sb.append("<path class=\"grid\" d=\"M").append(num(L)).append(' ').append(num(y)).append('h')
              .append(num(pw)).append("\"/>");
            sb.append("<text x=\"").append(num(L - 4)).append("\" y=\"").append(num(y + 4))
              .append("\" text-anchor=\"end\">").append(label(q)).append("</text>\n");
        }
        axes(sb, pw, ph);
        sb.append("<text x=\"").append(num(L + pw / 2)).append("\" y=\"").append(num(T + ph + 30))
          .append("\" text-anchor=\"middle\">").append(xUnit.equals("us") ? "\u00b5s" : HtmlReport.escape(xUnit))
          .append(", log scale</text>\n");
        yLabel(sb, "fraction of samples \u2264 x", ph);
        for (int i = 0; i < curves.size(); i++) {
            Curve c = curves.get(i);
            sb.append("<polyline class=\"cdf\" stroke=\"").append(c.colour()).append('"').append(dash(i))
              .append(" points=\"");
            boolean first = true;
            for (double[] p : c.points()) {
                if (!first) sb.append(' ');
                first = false;
                sb.append(num(xs.applyAsDouble(p[0]))).append(',').append(num(ys.applyAsDouble(p[1])));
            }
            sb.append("\"><title>").append(HtmlReport.escape(c.name())).append("</title></polyline>\n");
        }
        double y = H + 4;
        for (int i = 0; i < curves.size(); i++) {
            sb.append("<path class=\"cdf\" stroke=\"").append(curves.get(i).colour()).append('"').append(dash(i))
              .append(" d=\"M").append(num(L)).append(' ').append(num(y - 4)).append("h16\"/><text x=\"")
              .append(num(L + 22)).append("\" y=\"").append(num(y)).append("\">")
              .append(HtmlReport.escape(curves.get(i).name())).append("</text>\n");
            y += 16;
        }
        return sb.append("</svg>\n").toString();
    }

    private static String decade(int d, String unit) {
        if (!unit.equals("us")) return label(Math.pow(10, d));
        if (d >= 6) return label(Math.pow(10, d - 6)) + " s";
        if (d >= 3) return label(Math.pow(10, d - 3)) + " ms";
        if (d >= 0) return label(Math.pow(10, d)) + " \u00b5s";
        return label(Math.pow(10, d + 3)) + " ns";
    }

    /** Dash pattern of the i-th curve, so that curves lying on each other stay distinguishable. */
    private static String dash(int i) {
        String[] d = {"", "7 4", "2 3", "10 3 2 3"};
        String p = d[i % d.length];
        return p.isEmpty() ? "" : " stroke-dasharray=\"" + p + "\"";
    }

    // ---- bars -------------------------------------------------------------------------------------------------

    /** Grouped bars: one group per category, one bar per series, y from 0 to a round maximum. */
    public static String bars(String title, String yUnit, List<String> categories, List<Series> series) {
        StringBuilder sb = new StringBuilder();
        svgOpen(sb, "bars", W, H + 16.0 * series.size(), title);
        title(sb, title);
        double max = 0;
        for (Series s : series) for (double v : s.values()) if (Double.isFinite(v)) max = Math.max(max, v);
        if (categories.isEmpty() || series.isEmpty() || max <= 0) {
            noData(sb);
            return sb.append("</svg>\n").toString();
        }
        double pw = W - L - R, ph = H - T - B;
        double step = niceStep(max / 4);
        double top = Math.ceil(max / step - 1e-9) * step;
        if (!Double.isFinite(top) || !(top > 0)) top = max;
        for (int i = 0; i < MAX_TICKS; i++) {
            double v = i * step;
            if (!(v <= top + step / 2)) break;
            double y = T + ph - v / top * ph;
            sb.append("<path class=\"grid\" d=\"M").append(num(L)).append(' ').append(num(y)).append('h')
              .append(num(pw)).append("\"/>");
            sb.append("<text x=\"").append(num(L - 4)).append("\" y=\"").append(num(y + 4))
              .append("\" text-anchor=\"end\">").append(label(v)).append("</text>\n");
        }
        double gw = pw / categories.size();
        double bw = Math.min(28, gw * 0.8 / series.size());
        for (int k = 0; k < categories.size(); k++) {
            double gx = L + k * gw + (gw - bw * series.size()) / 2;
            for (int s = 0; s < series.size(); s++) {
                double v = series.get(s).values()[k];
                if (!Double.isFinite(v) || v < 0) v = 0;
                double h = v / top * ph;
                sb.append("<rect class=\"bar\" fill=\"").append(series.get(s).colour()).append("\" x=\"")
                  .append(num(gx + s * bw)).append("\" y=\"").append(num(T + ph - h)).append("\" width=\"")
                  .append(num(bw - 1)).append("\" height=\"").append(num(h)).append("\"><title>")
                  .append(HtmlReport.escape(series.get(s).name())).append(", ").append(HtmlReport.escape(categories.get(k)))
                  .append(": ").append(label(v)).append(' ').append(HtmlReport.escape(yUnit)).append("</title></rect>");
            }
            sb.append("<text x=\"").append(num(L + (k + 0.5) * gw)).append("\" y=\"").append(num(T + ph + 14))
              .append("\" text-anchor=\"middle\">").append(HtmlReport.escape(categories.get(k))).append("</text>\n");
        }
        axes(sb, pw, ph);
        yLabel(sb, yUnit, ph);
        seriesLegend(sb, series.stream().map(s -> new String[]{s.name(), s.colour()}).toList(), H);
        return sb.append("</svg>\n").toString();
    }

    // ---- shared pieces ----------------------------------------------------------------------------------------

    private static void svgOpen(StringBuilder sb, String cls, double w, double h, String label) {
        sb.append("<svg class=\"").append(cls).append("\" width=\"").append(num(w)).append("\" height=\"")
          .append(num(h)).append("\" viewBox=\"0 0 ").append(num(w)).append(' ').append(num(h))
          .append("\" role=\"img\" aria-label=\"").append(HtmlReport.escape(label)).append("\">\n");
    }

    private static void title(StringBuilder sb, String title) {
        sb.append("<text class=\"title\" x=\"").append(num(L)).append("\" y=\"14\">").append(HtmlReport.escape(title))
          .append("</text>\n");
    }

    private static void noData(StringBuilder sb) {
        sb.append("<text x=\"").append(num(W / 2)).append("\" y=\"").append(num(H / 2))
          .append("\" text-anchor=\"middle\">no data</text>\n");
    }

    private static void yLabel(StringBuilder sb, String text, double ph) {
        sb.append("<text x=\"12\" y=\"").append(num(T + ph / 2))
          .append("\" text-anchor=\"middle\" transform=\"rotate(-90 12 ").append(num(T + ph / 2)).append(")\">")
          .append(HtmlReport.escape(text)).append("</text>\n");
    }

    private static void axes(StringBuilder sb, double pw, double ph) {
        sb.append("<path class=\"axis\" d=\"M").append(num(L)).append(' ').append(num(T)).append('v')
          .append(num(ph)).append('h').append(num(pw)).append("\"/>\n");
    }

    private static void seriesLegend(StringBuilder sb, List<String[]> items, double y0) {
        double y = y0 + 4;
        for (String[] it : items) {
            sb.append("<rect x=\"").append(num(L)).append("\" y=\"").append(num(y - 9)).append("\" width=\"14\" height=\"10\" fill=\"")
              .append(it[1]).append("\"/><text x=\"").append(num(L + 20)).append("\" y=\"").append(num(y))
              .append("\">").append(HtmlReport.escape(it[0])).append("</text>\n");
            y += 16;
        }
    }

    /** The smallest of 1, 2, 5 × 10^k at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0)) return 1;
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        if (!(p > 0)) return Double.MIN_VALUE;
        for (double m : new double[]{1, 2, 5, 10}) if (m * p >= raw * (1 - 1e-9)) return m * p;
        return 10 * p;
    }

    /** A coordinate: at most two decimals, no trailing zeros; one that is not finite is 0. */
    static String num(double v) {
        if (!Double.isFinite(v)) return "0";
        long r = Math.round(v * 100);
        if (r % 100 == 0) return Long.toString(r / 100);
        String s = String.format(Locale.ROOT, "%.2f", r / 100.0);
        return s.endsWith("0") ? s.substring(0, s.length() - 1) : s;
    }

    /** A tick or value label: compact, k/M suffixes for large values, up to three significant decimals. */
    static String label(double v) {
        if (Double.isNaN(v)) return "-";
        if (Double.isInfinite(v)) return v > 0 ? "\u221e" : "-\u221e";
        double a = Math.abs(v);
        if (a >= 1e9) return trim(String.format(Locale.ROOT, "%.2f", v / 1e9)) + "G";
        if (a >= 1e6) return trim(String.format(Locale.ROOT, "%.2f", v / 1e6)) + "M";
        if (a >= 1e4) return trim(String.format(Locale.ROOT, "%.1f", v / 1e3)) + "k";
        if (a >= 100 || a == 0) return trim(String.format(Locale.ROOT, "%.0f", v));
        if (a >= 1) return trim(String.format(Locale.ROOT, "%.2f", v));
        return trim(String.format(Locale.ROOT, "%.3g", v));
    }

    private static String trim(String s) {
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "");
            if (s.endsWith(".")) s = s.substring(0, s.length() - 1);
        }
        return s.equals("-0") ? "0" : s;
    }

    /** Distinct colours for series, assigned by index. */
    static final List<String> PALETTE = List.of("#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
            "#e377c2", "#17becf", "#7f7f7f", "#bcbd22");

    static String colour(int i) { return PALETTE.get(Math.floorMod(i, PALETTE.size())); }
}
