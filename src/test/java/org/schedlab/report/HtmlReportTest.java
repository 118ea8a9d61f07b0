package org.schedlab.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.InputError;
import org.schedlab.cli.Main;
import org.schedlab.experiment.PolicyComparison;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The HTML report: loading, grouping, escaping, page structure and the {@code report} command. */
class HtmlReportTest {
    private static final String PAYLOAD = "<script>document.title='pwned'</script>";

    @TempDir Path tmp;

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    private static String section(String html, String open, String close) {
        int a = html.indexOf(open);
        assertThat(a).as(open).isNotNegative();
        return html.substring(a, html.indexOf(close, a) + close.length());
    }

    @Test
    void escapesTheFiveSpecialCharacters() {
        assertThat(HtmlReport.escape("a&b<c>d\"e'f")).isEqualTo("a&amp;b&lt;c&gt;d&quot;e&#39;f");
        assertThat(HtmlReport.escape(PAYLOAD)).isEqualTo("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;");
        assertThat(HtmlReport.escape("&amp;")).isEqualTo("&amp;amp;");
        String plain = "hackbench:groups=4 µs";
        assertThat(HtmlReport.escape(plain)).isSameAs(plain);
        assertThat(HtmlReport.escape("")).isEmpty();
    }

    @Test
    void loadingSkipsWhatIsNotAResult() throws IOException {
        ReportFixtures.write(tmp.resolve("good/tiny.json"), ReportFixtures.tiny());
        Files.writeString(tmp.resolve("junk.json"), "{\"a\": 1}");
        Files.writeString(tmp.resolve("broken.json"), "{\"schema\": ");
        Files.writeString(tmp.resolve("array.json"), "[1, 2]");
        Files.writeString(tmp.resolve("trace.json"), "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[{\"ph\":\"M\"}]}");
        Files.writeString(tmp.resolve("other.json"), "{\"schema\":\"other/1\",\"config\":{}}");
        Files.writeString(tmp.resolve("hollow.json"), "{\"schema\":\"schedlab-run/1\",\"config\":{\"policy\":\"x\"}}");
        Files.writeString(tmp.resolve("notes.txt"), "not json at all");
        List<String> warnings = new ArrayList<>();
        HtmlReport.Loaded l = HtmlReport.load(tmp, warnings::add);
        assertThat(l.results()).extracting(HtmlReport.Result::file).containsExactly("good/tiny.json");
        assertThat(warnings).isEqualTo(l.skipped());
        assertThat(warnings).containsExactly(
                "array.json: not a schedlab result (not a JSON object)",
                "broken.json: not valid JSON (" + warnings.get(1).substring("broken.json: not valid JSON (".length()),
                "hollow.json: not a schedlab result (no config.topology)",
                "junk.json: not a schedlab result (no \"schema\")",
                "other.json: not a schedlab result (schema is not schedlab-run/N)",
                "trace.json: not a schedlab result (no \"schema\")");
        for (String w : warnings) assertThat(w).doesNotContain("\n");
        assertThatThrownBy(() -> HtmlReport.load(tmp.resolve("notes.txt"), w -> {}))
                .isInstanceOf(InputError.class).hasMessageEndingWith("not a directory");
    }

    @Test
    void tinyResultRendersEveryChart() throws IOException {
        ReportFixtures.write(tmp.resolve("tiny.json"), ReportFixtures.tiny());
        String html = HtmlReport.render(HtmlReport.load(tmp, w -> {}));
        assertThat(html).startsWith("<!DOCTYPE html>\n<html lang=\"en\">").endsWith("</html>\n");
        assertThat(html).contains("<title>schedlab report</title>", "Content-Security-Policy");

        String heatmap = section(html, "<svg class=\"heatmap\"", "</svg>");
        // rows 0-3: [idle, 5%, 5%, 100%], [100% x4], [idle x4], [50%, 55%, 60%, idle] -> u1+u10, u10, -, u5+u6
        assertThat(count(heatmap, "<rect class=\"u(10|[1-9])\" ")).isEqualTo(5);
        assertThat(heatmap).contains("<rect class=\"u1\" x=\"330\" y=\"8\" width=\"360\"",
                "<rect class=\"u6\" x=\"330\"", "<rect class=\"u10\" x=\"690\"", "LLC 0", "LLC 1", "package 0", "node 0", "simulated time (ms)", "idle");
        assertThat(count(heatmap, "class=\"u\\d+ legend\"")).isEqualTo(11);

        assertThat(count(html, "<svg class=\"cdf\"")).isEqualTo(2);
        assertThat(count(html, "<polyline class=\"cdf\"")).isEqualTo(2);
        String bars = section(html, "<svg class=\"bars\"", "</svg>");
        assertThat(count(bars, "<rect class=\"bar\"")).isEqualTo(3);
        assertThat(bars).containsSubsequence(">SMT<", ">MC<", ">NUMA<");
        String overhead = html.substring(html.lastIndexOf("<svg class=\"bars\""));
        assertThat(overhead).containsSubsequence(">newidle<", ">periodic<");
        assertThat(html).contains("poisson:rate=10 on tiny", "params: a=1, b=2");
        assertThat(section(html, "<pre class=\"comparison\">", "</pre>")).contains("Test          : jobs_per_s on tiny",
                "Higher is better", "poisson:rate=10 (a=1, b=2)", "pull[pct imp](CV)");
    }

    @Test
    void pageIsSelfContained() throws IOException {
        ReportFixtures.writeRuns(tmp);
        String html = HtmlReport.render(HtmlReport.load(tmp, w -> {}));
        String lower = html.toLowerCase();
        for (String bad : new String[]{"<script", "<link", "<img", "<iframe", "<object", "<embed", "http:", "https:",
                "url(", "@import", "src=", "javascript:"})
            assertThat(lower).as(bad).doesNotContain(bad);
        assertThat(lower).doesNotContainPattern("\\son[a-z]+\\s*=");
    }

    @Test
    void simulatedRunsAreGroupedByCaseAndPolicy() throws IOException {
        ReportFixtures.writeRuns(tmp);
        ObjectNode other = ReportFixtures.runs().get(0).deepCopy();
        ((ObjectNode) other.get("config")).put("workload", "hackbench:groups=1,loops=9");
        ReportFixtures.write(tmp.resolve("x/other.json"), other);
        String html = HtmlReport.render(HtmlReport.load(tmp, w -> {}));
        assertThat(count(html, "<section class=\"case\"")).isEqualTo(2);
        String first = section(html, "<section class=\"case\" id=\"case-1\">", "</section>");
        assertThat(first).contains("<h2>hackbench:groups=1 on " + ReportFixtures.TOPOLOGY + "</h2>");
        assertThat(count(first, "<svg class=\"heatmap\"")).isEqualTo(2);
        assertThat(count(first, "<rect class=\"u(10|[1-9])\" ")).isPositive();
        assertThat(count(first, "<polyline class=\"cdf\"")).isEqualTo(4);
        assertThat(first).contains("linux-wake (2 seeds)", "pull (2 seeds)", "<code>pull/seed-1.json</code>");
        assertThat(first).containsSubsequence("<b>linux-wake</b>, seed 1 (linux-wake/seed-1.json)",
                "<b>pull</b>, seed 1 (pull/seed-1.json)");
        assertThat(count(html, "<pre class=\"comparison\">")).isEqualTo(2);
        String table = section(html.substring(html.indexOf("</pre>")), "<pre class=\"comparison\">", "</pre>");
        assertThat(table).contains("Test          : time on " + ReportFixtures.TOPOLOGY, "Lower is better",
                "hackbench:groups=1 ");
        assertThat(table).containsPattern("Case: +pull\\[pct imp\\]\\(CV\\) +linux-wake\\[pct imp\\]\\(CV\\)");
        String second = section(html, "<section class=\"case\" id=\"case-2\">", "</section>");
        assertThat(count(second, "<svg class=\"heatmap\"")).isEqualTo(1);
        assertThat(second).contains("hackbench:groups=1,loops=9");
    }

    @Test
    void baselineIsPullOrTheFirstPolicy() throws IOException {
        List<HtmlReport.Result> rs = new ArrayList<>();
        for (String p : new String[]{"zeta", "pull", "alpha"}) {
            ObjectNode r = ReportFixtures.tiny();
            ((ObjectNode) r.get("config")).put("policy", p);
            rs.add(new HtmlReport.Result(p + ".json", r));
        }
        assertThat(HtmlReport.tables(rs).get(0).comparison().policies()).containsExactly("pull", "alpha", "zeta");
        assertThat(HtmlReport.tables(List.of(rs.get(0), rs.get(2))).get(0).comparison().policies()).containsExactly("alpha", "zeta");
    }

    @Test
    void everyInputStringIsEscaped() throws IOException {
        ObjectNode r = ReportFixtures.runs().get(0).deepCopy();
        ObjectNode cfg = (ObjectNode) r.get("config");
        cfg.put("workload", PAYLOAD);
        cfg.put("policy", "p<o>l\"i'c&y");
        cfg.put("topology", "<b>topo</b>");
        cfg.put("duration", "<i>1s</i>");
        ((ObjectNode) cfg.get("params")).put("k<", "v>");
        ((ObjectNode) r.get("throughput")).put("metric", "<u>m</u>").put("unit", "<s>");
        ((ObjectNode) r.get("metrics").get("migrations")).put("<lvl>", 3);
        ((ObjectNode) r.get("metrics").get("balance_overhead_ns")).put("<kind>", 3_000_000);
        ReportFixtures.write(tmp.resolve("<evil>&'\".json"), r);
        Files.writeString(tmp.resolve("<bad>.json"), "{}");
        String html = HtmlReport.render(HtmlReport.load(tmp, w -> {}));
        for (String raw : new String[]{PAYLOAD, "<script", "p<o>l", "<b>topo", "<i>1s", "k<=v>", "<u>m", "<s>",
                "<lvl>", "<kind>", "<evil>", "<bad>"})
            assertThat(html).as(raw).doesNotContain(raw);
        assertThat(html).contains("&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;",
                "p&lt;o&gt;l&quot;i&#39;c&amp;y", "&lt;b&gt;topo&lt;/b&gt;", "&lt;i&gt;1s&lt;/i&gt;", "k&lt;=v&gt;",
                "&lt;u&gt;m&lt;/u&gt;", "&lt;lvl&gt;", "&lt;kind&gt;", "&lt;evil&gt;&amp;&#39;&quot;.json",
                "&lt;bad&gt;.json: not a schedlab result");
        // markup is balanced: every tag the report opens in a case is closed
        String sec = section(html, "<section class=\"case\"", "</section>");
        for (String tag : new String[]{"svg", "table", "figure", "div", "pre", "text", "title", "polyline", "code"})
            assertThat(count(sec, "<" + tag + "[ >]")).as(tag).isEqualTo(count(sec, "</" + tag + ">"));
    }

    @Test
    void outputDependsOnlyOnTheInputs() throws IOException {
        Path a = tmp.resolve("a"), b = tmp.resolve("b");
        ReportFixtures.writeRuns(a);
        ReportFixtures.write(a.resolve("tiny.json"), ReportFixtures.tiny());
        ReportFixtures.write(b.resolve("tiny.json"), ReportFixtures.tiny());
        List<ObjectNode> runs = new ArrayList<>(ReportFixtures.runs());
        java.util.Collections.reverse(runs);
        for (ObjectNode r : runs)
            ReportFixtures.write(b.resolve(r.get("config").get("policy").asText())
                    .resolve("seed-" + r.get("config").get("seed").asLong() + ".json"), r);
        String ha = HtmlReport.render(HtmlReport.load(a, w -> {}));
        assertThat(HtmlReport.render(HtmlReport.load(b, w -> {}))).isEqualTo(ha);
        assertThat(HtmlReport.render(HtmlReport.load(a, w -> {}))).isEqualTo(ha);
    }

    @Test
    void svgHelpers() {
        assertThat(SvgCharts.level(0)).isZero();
        assertThat(SvgCharts.level(0.004)).isZero();
        assertThat(SvgCharts.level(0.005)).isEqualTo(1);
        assertThat(SvgCharts.level(0.1)).isEqualTo(1);
        assertThat(SvgCharts.level(0.1001)).isEqualTo(2);
        assertThat(SvgCharts.level(1)).isEqualTo(10);
        assertThat(SvgCharts.level(Double.NaN)).isZero();
        assertThat(SvgCharts.num(3)).isEqualTo("3");
        assertThat(SvgCharts.num(2.5)).isEqualTo("2.5");
        assertThat(SvgCharts.num(1.0 / 3)).isEqualTo("0.33");
        assertThat(SvgCharts.niceStep(0.3)).isEqualTo(0.5);
        assertThat(SvgCharts.niceStep(1_200_000)).isEqualTo(2_000_000);
        assertThat(SvgCharts.label(12345)).isEqualTo("12.3k");
        assertThat(SvgCharts.label(0.25)).isEqualTo("0.25");
        assertThat(SvgCharts.cdf("t", "us", List.of())).contains("no data");
        assertThat(SvgCharts.bars("t", "ms", List.of("a"), List.of(new SvgCharts.Series("p", "#000", new double[]{0}))))
                .contains("no data");
    }

    private record Cli(int exit, String out, String err) {}

    private static Cli cli(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return new Cli(cl.execute(args), out.toString(), err.toString());
    }

    @Test
    void reportCommand() throws IOException {
        Path in = tmp.resolve("in");
        ReportFixtures.write(in.resolve("tiny.json"), ReportFixtures.tiny());
        Files.writeString(in.resolve("junk.json"), "[]");
        Path out = Files.createDirectories(tmp.resolve("out")).resolve("report.html");
        Cli r = cli("report", in.toString(), "--html", out.toString());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.err).isEqualTo("schedlab: warning: skipping junk.json: not a schedlab result (not a JSON object)\n");
        assertThat(Files.readString(out)).isEqualTo(HtmlReport.render(HtmlReport.load(in, w -> {})));
        assertThat(r.out).contains("wrote ", "(1 result)");

        Cli text = cli("report", in.toString());
        assertThat(text.exit).isZero();
        assertThat(text.out).contains("Test          : jobs_per_s on tiny");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.writeString(empty.resolve("x.json"), "{}");
        for (String dir : new String[]{empty.toString(), tmp.resolve("missing").toString()}) {
            Cli e = cli("report", dir, "--html", tmp.resolve("no.html").toString());
            assertThat(e.exit).isEqualTo(Main.EXIT_INPUT);
            assertThat(e.err).contains("schedlab: ").doesNotContain("Exception");
            assertThat(e.err.lines().filter(l -> !l.contains("warning")).count()).isEqualTo(1);
        }
        assertThat(tmp.resolve("no.html")).doesNotExist();
    }

    @Test
    void unfinishedRunsAreShownAsUnfinishedNotAveraged() throws IOException {
        for (ObjectNode r : ReportFixtures.runs()) {
            ObjectNode c = r.deepCopy();
            if (c.get("config").get("policy").asText().equals("linux-wake")) {
                ((ObjectNode) c.get("throughput")).putNull("value");
                ((ObjectNode) c.get("throughput")).put("unfinished", true);
            }
            ReportFixtures.write(tmp.resolve(c.get("config").get("policy").asText() + "-" + c.get("config").get("seed") + ".json"), c);
        }
        List<String> skipped = new ArrayList<>();
        HtmlReport.Loaded loaded = HtmlReport.load(tmp, skipped::add);
        assertThat(skipped).isEmpty();
        assertThat(loaded.results()).hasSize(4);
        String table = HtmlReport.tables(loaded.results()).get(0).text();
        assertThat(table.lines().filter(l -> l.startsWith("hackbench")).findFirst().orElseThrow())
                .contains("1.00 [ -0.00]").endsWith("unfinished 2/2");
        String html = HtmlReport.render(loaded);
        assertThat(html).contains("<td>unfinished 2/2</td>").doesNotContain("NaN");
    }

    /** The case: results of another duration were averaged with their namesakes under one case header. */
    @Test
    void onlyExactTwinsShareACase() throws IOException {
        ReportFixtures.writeRuns(tmp);
        for (ObjectNode r : ReportFixtures.runs()) {
            ObjectNode c = r.deepCopy();
            ((ObjectNode) c.get("spec")).put("duration_ns", 25_000_000L);
            ((ObjectNode) c.get("config")).put("duration", "25ms");
            ReportFixtures.write(tmp.resolve("short/" + c.get("config").get("policy").asText() + "-" + c.get("config").get("seed") + ".json"), c);
        }
        HtmlReport.Loaded loaded = HtmlReport.load(tmp, w -> {});
        List<HtmlReport.Case> cases = HtmlReport.cases(loaded.results());
        assertThat(cases).hasSize(2);
        assertThat(cases).extracting(HtmlReport.Case::label).containsExactlyInAnyOrder(
                "hackbench:groups=1 [duration_ns=25000000]", "hackbench:groups=1 [duration_ns=50000000]");
        for (HtmlReport.Case c : cases)
            for (List<HtmlReport.Result> rs : c.byPolicy().values()) assertThat(rs).hasSize(ReportFixtures.SEEDS);
        List<PolicyComparison.Row> rows = HtmlReport.tables(loaded.results()).get(0).comparison().rows();
        assertThat(rows).extracting(PolicyComparison.Row::label).containsExactly(
                "hackbench:groups=1 [duration_ns=25000000]", "hackbench:groups=1 [duration_ns=50000000]");
        // a result that records no spec is a twin of no result that does
        ObjectNode legacy = ReportFixtures.runs().get(0).deepCopy();
        legacy.remove("spec");
        ReportFixtures.write(tmp.resolve("legacy.json"), legacy);
        assertThat(HtmlReport.cases(HtmlReport.load(tmp, w -> {}).results())).hasSize(3);
    }
}
