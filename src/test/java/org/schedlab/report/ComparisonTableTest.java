package org.schedlab.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.schedlab.experiment.PolicyComparison;
import org.schedlab.experiment.Statistic;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ComparisonTableTest {

    /** Three samples {m - d, m, m + d}: mean and median m, sample standard deviation d = m * cv / 100. */
    private static double[] cell(double mean, double cvPct) {
        double d = mean * cvPct / 100;
        return new double[] {mean - d, mean, mean + d};
    }

    private static ComparisonTable hackbench() {
        return new ComparisonTable(PolicyComparison.builder("hackbench")
                .units("Normalized time in seconds")
                .higherIsBetter(false)
                .statistic(Statistic.AMEAN)
                .policies("tip", "sd_nohz")
                .row("1-groups", cell(100, 8.58), cell(96.01, 5.47))
                .row("2-groups", cell(100, 3.53), cell(99.999, 3.57))
                .row("4-groups", cell(100, 1.63), cell(98.12, 1.46))
                .row("8-groups", cell(100, 1.80), cell(99.32, 2.12))
                .row("16-groups", cell(100, 2.95), cell(100.753, 1.78))
                .build());
    }

    @Test
    void hackbenchReproducesTheCoverLetter() {
        String expected = """
                ==================================================================
                Test          : hackbench
                Units         : Normalized time in seconds
                Interpretation: Lower is better
                Statistic     : AMean
                ==================================================================
                Case:           tip[pct imp](CV)      sd_nohz[pct imp](CV)
                 1-groups     1.00 [ -0.00]( 8.58)     0.96 [  3.99]( 5.47)
                 2-groups     1.00 [ -0.00]( 3.53)     1.00 [  0.00]( 3.57)
                 4-groups     1.00 [ -0.00]( 1.63)     0.98 [  1.88]( 1.46)
                 8-groups     1.00 [ -0.00]( 1.80)     0.99 [  0.68]( 2.12)
                16-groups     1.00 [ -0.00]( 2.95)     1.01 [ -0.75]( 1.78)
                """;
        assertThat(hackbench().text()).isEqualTo(expected);
        assertThat(hackbench().render(ComparisonTable.Format.parse("TEXT"))).isEqualTo(expected);
    }

    @Test
    void throughputTableMarksSignificantDifferences() {
        ComparisonTable t = new ComparisonTable(PolicyComparison.builder("tbench")
                .units("Normalized throughput")
                .higherIsBetter(true)
                .statistic(Statistic.AMEAN)
                .caseHeader("Clients:")
                .policies("tip", "push_only")
                .row("1", cell(1000, 1.34), cell(1020, 0.23))
                .row("8", cell(1000, 0.80), cell(970, 0.90))
                .row("64", cell(1000, 0.50), cell(1100, 0.40))
                .row("1024", cell(1000, 2.00), cell(1000.01, 1.50))
                .build());
        assertThat(t.text()).isEqualTo("""
                ==================================================================
                Test          : tbench
                Units         : Normalized throughput
                Interpretation: Higher is better
                Statistic     : AMean
                ==================================================================
                Clients:   tip[pct imp](CV)    push_only[pct imp](CV)
                   1     1.00 [  0.00]( 1.34)     1.02 [  2.00]( 0.23)
                   8     1.00 [  0.00]( 0.80)     0.97 [ -3.00]( 0.90)*
                  64     1.00 [  0.00]( 0.50)     1.10 [ 10.00]( 0.40)*
                1024     1.00 [  0.00]( 2.00)     1.00 [  0.00]( 1.50)
                *: difference from tip is significant at 95% confidence (Welch's t-test)
                """);
    }

    @Test
    void medianTableReportsMediansNotMeans() {
        // Row 16: push_only's median is 5% better while its mean is worse.
        ComparisonTable t = new ComparisonTable(PolicyComparison.builder("schbench")
                .units("Normalized 99th percentile latency in us")
                .higherIsBetter(false)
                .statistic(Statistic.MEDIAN)
                .caseHeader("#workers:")
                .policies("tip", "push_only")
                .row("1", new double[] {91.4, 100, 109}, new double[] {94, 100.001, 105})
                .row("16", new double[] {180, 200, 215}, new double[] {185, 190, 240})
                .row("256", new double[] {1000, 1010, 1020}, new double[] {900, 905, 915})
                .build());
        assertThat(t.text()).isEqualTo("""
                ==================================================================
                Test          : schbench
                Units         : Normalized 99th percentile latency in us
                Interpretation: Lower is better
                Statistic     : Median
                ==================================================================
                #workers: tip[pct imp](CV)    push_only[pct imp](CV)
                  1     1.00 [ -0.00]( 8.79)     1.00 [ -0.00]( 5.53)
                 16     1.00 [ -0.00]( 8.85)     0.95 [  5.00](14.84)
                256     1.00 [ -0.00]( 0.99)     0.90 [ 10.40]( 0.84)*
                *: difference from tip is significant at 95% confidence (Welch's t-test)
                """);
    }

    private static ComparisonTable stream() {
        return new ComparisonTable(PolicyComparison.builder("stream")
                .units("Normalized bandwidth")
                .higherIsBetter(true)
                .statistic(Statistic.HMEAN)
                .policies("tip", "sd_nohz")
                .row("Copy", new double[] {100, 100}, new double[] {110, 110})
                .row("Triad", new double[] {120, 60}, new double[] {100})
                .build());
    }

    @Test
    void markdownHasTheSameCells() {
        assertThat(stream().markdown()).isEqualTo("""
                **stream**: Normalized bandwidth; Higher is better; Statistic: HMean

                |  Case |     `tip[pct imp](CV)` |  `sd_nohz[pct imp](CV)` |
                | ----: | ---------------------: | ----------------------: |
                |  Copy | `1.00 [  0.00]( 0.00)` | `1.10 [ 10.00]( 0.00)*` |
                | Triad | `1.00 [  0.00](47.14)` |  `1.25 [ 25.00]( 0.00)` |

                `*`: difference from tip is significant at 95% confidence (Welch's t-test)
                """);
    }

    @Test
    void csvHasOneLinePerCell() {
        assertThat(stream().csv()).isEqualTo("""
                test,case,policy,statistic,value,normalized,pct_imp,cv_pct,n,significant
                stream,Copy,tip,HMean,100,1,0,0,2,false
                stream,Copy,sd_nohz,HMean,110,1.1,10,0,2,true
                stream,Triad,tip,HMean,80,1,0,47.140452,2,false
                stream,Triad,sd_nohz,HMean,100,1.25,25,0,1,false
                """);
    }

    @Test
    void csvQuotesFieldsThatNeedIt() {
        ComparisonTable t = new ComparisonTable(PolicyComparison.builder("x, y")
                .higherIsBetter(true)
                .policies("a", "say \"b\"")
                .row("#workers: 8", new double[] {1}, new double[] {2})
                .build());
        assertThat(t.csv().lines().skip(1)).containsExactly(
                "\"x, y\",#workers: 8,a,AMean,1,1,0,0,1,false",
                "\"x, y\",#workers: 8,\"say \"\"b\"\"\",AMean,2,2,100,0,1,false");
    }

    @Test
    void jsonIsStructured() throws Exception {
        JsonNode j = new ObjectMapper().readTree(stream().json());
        assertThat(j.get("test").asText()).isEqualTo("stream");
        assertThat(j.get("units").asText()).isEqualTo("Normalized bandwidth");
        assertThat(j.get("higher_is_better").asBoolean()).isTrue();
        assertThat(j.get("statistic").asText()).isEqualTo("HMean");
        assertThat(j.get("policies")).hasSize(2);
        assertThat(j.get("policies").get(1).asText()).isEqualTo("sd_nohz");
        JsonNode rows = j.get("rows");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("case").asText()).isEqualTo("Copy");
        JsonNode copyNohz = rows.get(0).get("cells").get(1);
        assertThat(copyNohz.get("policy").asText()).isEqualTo("sd_nohz");
        assertThat(copyNohz.get("value").asDouble()).isCloseTo(110, within(1e-9));
        assertThat(copyNohz.get("normalized").asDouble()).isCloseTo(1.1, within(1e-12));
        assertThat(copyNohz.get("pct_imp").asDouble()).isCloseTo(10, within(1e-9));
        assertThat(copyNohz.get("cv_pct").asDouble()).isZero();
        assertThat(copyNohz.get("n").asInt()).isEqualTo(2);
        assertThat(copyNohz.get("ci_low").asDouble()).isEqualTo(110);
        assertThat(copyNohz.get("significant").asBoolean()).isTrue();
        JsonNode triadTip = rows.get(1).get("cells").get(0);
        assertThat(triadTip.get("value").asDouble()).isCloseTo(80, within(1e-9));
        assertThat(triadTip.get("ci_low").asDouble()).isCloseTo(90 - 12.706204736174694 * 30, within(1e-6));
        assertThat(triadTip.get("ci_high").asDouble()).isCloseTo(90 + 12.706204736174694 * 30, within(1e-6));
        assertThat(triadTip.get("pct_imp").asDouble()).isZero();
        JsonNode single = rows.get(1).get("cells").get(1);
        assertThat(single.get("n").asInt()).isEqualTo(1);
        assertThat(single.get("ci_low").isNull()).isTrue();
        assertThat(single.get("ci_high").isNull()).isTrue();
        assertThat(single.get("significant").asBoolean()).isFalse();
        assertThat(single.fieldNames()).toIterable().containsExactly(
                "policy", "value", "normalized", "pct_imp", "cv_pct", "n", "ci_low", "ci_high", "significant");
    }

    @Test
    void zeroBaselineNeverPrintsNaN() {
        ComparisonTable t = new ComparisonTable(PolicyComparison.builder("migrations")
                .units("count")
                .higherIsBetter(false)
                .policies("tip", "new")
                .row("idle", new double[] {0, 0}, new double[] {0, 0})
                .row("busy", new double[] {0, 0}, new double[] {4, 4.1, 3.9})
                .build());
        assertThat(t.text()).endsWith("""
                Case:      tip[pct imp](CV)          new[pct imp](CV)
                idle     1.00 [ -0.00]( 0.00)     1.00 [  0.00]( 0.00)
                busy     1.00 [ -0.00]( 0.00)        - [     -]( 2.50)*
                *: difference from tip is significant at 95% confidence (Welch's t-test)
                """);
        for (ComparisonTable.Format f : ComparisonTable.Format.values())
            assertThat(t.render(f)).doesNotContainIgnoringCase("nan").doesNotContain("Infinity");
        assertThat(t.csv()).contains("migrations,busy,new,AMean,4,,,2.5,3,true");
        assertThat(t.json()).contains("\"normalized\" : null");
    }

    @Test
    void wideNumbersWidenTheirFieldDownTheColumn() {
        ComparisonTable t = new ComparisonTable(PolicyComparison.builder("t")
                .higherIsBetter(true)
                .policies("a", "b")
                .row("x", cell(1, 1), cell(12.5, 150))
                .row("y", cell(1, 1), cell(1, 1))
                .build());
        assertThat(t.text()).endsWith("""
                Case:     a[pct imp](CV)               b[pct imp](CV)
                x     1.00 [  0.00]( 1.00)     12.50 [1150.00](150.00)
                y     1.00 [  0.00]( 1.00)      1.00 [   0.00](  1.00)
                """);
    }

    @Test
    void longPolicyNamesPushColumnsApart() {
        ComparisonTable t = new ComparisonTable(PolicyComparison.builder("t")
                .higherIsBetter(false)
                .policies("baseline_kernel_6_9", "a_rather_long_policy_name")
                .row("1", cell(1, 1), cell(1, 1))
                .build());
        String[] lines = t.text().split("\n");
        String head = lines[6], row = lines[7];
        assertThat(head).isEqualTo(
                "Case: baseline_kernel_6_9[pct imp](CV) a_rather_long_policy_name[pct imp](CV)");
        // headings still end two and one characters before their cells
        assertThat(row.length()).isEqualTo(head.length() + 1);
        assertThat(row.indexOf(")")).isEqualTo(head.indexOf(")") + 2);
    }

    @Test
    void builderValidates() {
        assertThatThrownBy(() -> PolicyComparison.builder("t").policies("a").row("1", new double[] {1}).build())
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("higher or lower");
        assertThatThrownBy(() -> PolicyComparison.builder("t").policies("a", "a"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PolicyComparison.builder("t").policies("a", "b").row("1", new double[] {1}))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PolicyComparison.builder("t").policies("a").row("1", new double[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PolicyComparison.builder("t").higherIsBetter(true).statistic(Statistic.HMEAN)
                .policies("a").row("1", new double[] {1, -1}).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("negative");
        assertThatThrownBy(() -> ComparisonTable.Format.parse("html")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cellsAreExposed() {
        ComparisonTable t = hackbench();
        assertThat(t.comparison().rows()).hasSize(5);
        PolicyComparison.Row r = t.comparison().rows().get(0);
        assertThat(r.label()).isEqualTo("1-groups");
        assertThat(r.cells().get(1).normalized().getAsDouble()).isCloseTo(0.9601, within(1e-12));
        assertThat(r.cells().get(1).pctImp().getAsDouble()).isCloseTo(3.99, within(1e-9));
        assertThat(r.cells().get(0).summary().cv()).isCloseTo(8.58, within(1e-9));
        assertThat(t.comparison().policies()).isEqualTo(List.of("tip", "sd_nohz"));
    }
}
