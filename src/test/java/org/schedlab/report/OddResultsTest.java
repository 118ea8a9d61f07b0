package org.schedlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.experiment.Runner;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/**
 * Valid result JSON with odd values (a timeline without utilisation, numbers at the ends of the double range,
 * infinities, zero and negative ranges) renders as a report: no exception, no endless axis or bar loop, no NaN.
 */
class OddResultsTest {
    private static JsonNode at(ObjectNode root, String path) {
        JsonNode n = root;
        for (String k : path.split("\\.")) n = n.get(k);
        return n;
    }

    /** Sets the last key of a dotted path to a JSON value given as text. */
    private static Consumer<ObjectNode> set(String path, String json) {
        return r -> {
            int dot = path.lastIndexOf('.');
            ObjectNode parent = (ObjectNode) (dot < 0 ? r : at(r, path.substring(0, dot)));
            try {
                parent.set(path.substring(dot + 1), Runner.JSON.readTree(json));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        };
    }

    private static Consumer<ObjectNode> remove(String path) {
        return r -> {
            int dot = path.lastIndexOf('.');
            ((ObjectNode) at(r, path.substring(0, dot))).remove(path.substring(dot + 1));
        };
    }

    static Map<String, Consumer<ObjectNode>> oddities() {
        Map<String, Consumer<ObjectNode>> m = new LinkedHashMap<>();
        m.put("timeline without utilisation", remove("timeline.utilisation"));
        m.put("utilisation not a list", set("timeline.utilisation", "\"busy\""));
        m.put("utilisation rows not lists", set("timeline.utilisation", "[1, 2, {}]"));
        m.put("empty rows", set("timeline.utilisation", "[[], []]"));
        m.put("timeline of no object", set("timeline", "[]"));
        m.put("cpu maps missing", remove("timeline.llc_of"));
        m.put("cpu maps of text", set("timeline.node_of", "[\"a\", \"b\"]"));
        m.put("huge bucket", set("timeline.bucket_ns", "1e308"));
        m.put("negative bucket", set("timeline.bucket_ns", "-5"));
        m.put("zero bucket", set("timeline.bucket_ns", "0"));
        m.put("late start", r -> { set("timeline.start_ns", "9223372036854775807").accept(r); set("timeline.bucket_ns", "1").accept(r); });
        m.put("infinite start", set("timeline.start_ns", "1e400"));
        m.put("huge utilisation", set("timeline.utilisation", "[[1e308, -1e308, 1e400, 0]]"));
        m.put("huge cdf", set("metrics.wakeup_latency_us.cdf", "[[1e-320, 0.1], [1e308, 0.5], [1e400, 1.0]]"));
        m.put("cdf of infinities", set("metrics.wakeup_latency_us.cdf", "[[1e400, 0.5], [-1e400, 1.0]]"));
        m.put("cdf of odd points", set("metrics.runqueue_wait_us.cdf", "[1, [\"x\"], [2, 1e400], {}]"));
        m.put("huge migrations", set("metrics.migrations", "{\"SMT\": 1.7976931348623157e308, \"MC\": 1e308}"));
        m.put("infinite migrations", set("metrics.migrations", "{\"SMT\": 1e400}"));
        m.put("tiny overhead", set("metrics.balance_overhead_ns", "{\"periodic\": 4.9e-324}"));
        m.put("negative overhead", set("metrics.balance_overhead_ns", "{\"periodic\": -1e308}"));
        m.put("metrics of other types", set("metrics.migrations", "[1, 2]"));
        m.put("huge headline", set("throughput.value", "1e308"));
        m.put("infinite headline", set("throughput.value", "1e400"));
        m.put("negative headline", set("throughput.value", "-1e308"));
        m.put("params of other types", set("config.params", "[1]"));
        return m;
    }

    @TempDir Path tmp;

    /** Two policies, two seeds each, written as files; every run, or only the second seeds, given the oddity. */
    private static HtmlReport.Loaded results(Path dir, Consumer<ObjectNode> odd, boolean oddSecondSeedOnly) throws IOException {
        for (String p : new String[]{"pull", "push"})
            for (int seed = 1; seed <= 2; seed++) {
                ObjectNode r = ReportFixtures.tiny();
                ((ObjectNode) r.get("config")).put("policy", p).put("seed", seed);
                if (!oddSecondSeedOnly || seed == 2) odd.accept(r);
                ReportFixtures.write(dir.resolve(p + "-" + seed + ".json"), r);
            }
        return HtmlReport.load(dir, w -> {});
    }

    @Test
    void everyOddityRenders() {
        int k = 0;
        for (Map.Entry<String, Consumer<ObjectNode>> e : oddities().entrySet())
            for (boolean half : new boolean[]{false, true}) {
                Path dir = tmp.resolve("case" + k++);
                assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
                    HtmlReport.Loaded loaded = results(dir, e.getValue(), half);
                    List<HtmlReport.Result> rs = loaded.results();
                    String html = HtmlReport.render(loaded);
                    assertThat(html).as(e.getKey()).endsWith("</html>\n").doesNotContain("NaN");
                    for (ComparisonTable t : HtmlReport.tables(rs)) assertThat(t.text()).as(e.getKey()).doesNotContain("NaN");
                }, e.getKey() + (half ? " (one seed)" : ""));
            }
    }

    @Test
    void svgAxesAndBarsStopAtExtremes() {
        assertTimeoutPreemptively(Duration.ofSeconds(30), () -> {
            for (double v : new double[]{Double.MAX_VALUE, 1e308, Double.MIN_VALUE, 1e-300, 0, -1, Double.POSITIVE_INFINITY, Double.NaN}) {
                String bars = SvgCharts.bars("t", "u", List.of("a", "b"),
                        List.of(new SvgCharts.Series("s", "#000", new double[]{v, 1})));
                assertThat(bars).endsWith("</svg>\n").doesNotContain("NaN", "Infinity");
                String cdf = SvgCharts.cdf("t", "us", List.of(new SvgCharts.Curve("c", "#000",
                        new double[][]{{v, 0.5}, {1, 1}})));
                assertThat(cdf).endsWith("</svg>\n").doesNotContain("NaN", "Infinity");
            }
            ArrayNode row = Runner.JSON.createArrayNode().add(0.5).add(1.0);
            for (long[] bs : new long[][]{{Long.MAX_VALUE, 1}, {1, Long.MAX_VALUE}, {Long.MAX_VALUE - 10, Long.MAX_VALUE}, {0, 0}, {-7, -3}}) {
                ObjectNode tl = Runner.JSON.createObjectNode().put("start_ns", bs[0]).put("bucket_ns", bs[1]);
                tl.putArray("utilisation").add(row);
                assertThat(SvgCharts.heatmap(tl)).doesNotContain("NaN", "Infinity");
            }
        });
    }
}
