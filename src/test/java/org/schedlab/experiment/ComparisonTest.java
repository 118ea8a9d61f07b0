package org.schedlab.experiment;

import org.junit.jupiter.api.Test;
import org.schedlab.InputError;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ComparisonTest {
    private static Map<String, String> combo(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
        return m;
    }

    @Test
    void labelsFollowTheCoverLetters() {
        assertThat(Comparison.label(combo("groups", "1"), "hackbench")).isEqualTo("1-groups");
        assertThat(Comparison.caseHeader(keys("groups"))).isEqualTo("Case:");
        assertThat(Comparison.label(combo("clients", "8"), "tbench")).isEqualTo("8");
        assertThat(Comparison.caseHeader(keys("clients"))).isEqualTo("Clients:");
        assertThat(Comparison.caseHeader(keys("workers"))).isEqualTo("#workers:");
        assertThat(Comparison.caseHeader(keys("pairs"))).isEqualTo("Pairs:");
        assertThat(Comparison.caseHeader(keys("threads"))).isEqualTo("Threads:");
        assertThat(Comparison.label(combo("rate", "1000"), "poisson")).isEqualTo("1000");
        assertThat(Comparison.caseHeader(keys("rate"))).isEqualTo("rate:");
        assertThat(Comparison.label(combo("groups", "2", "loops", "100"), "hackbench")).isEqualTo("2-groups loops=100");
        assertThat(Comparison.caseHeader(keys("groups", "loops"))).isEqualTo("Case:");
        assertThat(Comparison.label(combo(), "hackbench:groups=4")).isEqualTo("hackbench:groups=4");
        assertThat(Comparison.caseHeader(keys())).isEqualTo("Case:");
    }

    private static java.util.Set<String> keys(String... s) { return new LinkedHashSet<>(List.of(s)); }

    private static Grid grid(List<String> policies, Map<String, List<String>> params, int seeds) {
        RunSpec t = new RunSpec();
        t.durationNs = 50_000_000;
        return new Grid(t, List.of("synthetic:cores=4"), List.of("poisson"), params, policies, Grid.seeds(seeds));
    }

    @Test
    void oneTablePerMetricWithARowPerParameterValue() {
        Grid g = grid(List.of("pull", "random"), Map.of("rate", List.of("500", "2000")), 2);
        List<PolicyComparison> ts = Comparison.run(g, List.of(Metric.HEADLINE, Metric.parse("metrics.migrations_total")), 2, null);
        assertThat(ts).hasSize(2);
        PolicyComparison h = ts.get(0);
        assertThat(h.test()).isEqualTo("poisson response_time_mean");
        assertThat(h.units()).isEqualTo("Normalized response_time_mean in us");
        assertThat(h.higherIsBetter()).isFalse();
        assertThat(h.statistic()).isEqualTo(Statistic.AMEAN);
        assertThat(h.policies()).containsExactly("pull", "random");
        assertThat(h.rows()).extracting(PolicyComparison.Row::label).containsExactly("500", "2000");
        assertThat(h.rows().get(0).cells().get(0).normalized().getAsDouble()).isEqualTo(1.0);
        assertThat(h.rows().get(0).cells().get(1).summary().n()).isEqualTo(2);
        assertThat(ts.get(1).test()).isEqualTo("poisson migrations_total");
        assertThat(ts.get(1).units()).isEqualTo("Normalized migrations_total");

        // the baseline cell is exactly the mean of the per-seed runs
        RunSpec s1 = g.expand().get(0), s2 = g.expand().get(1);
        s1.timelineBuckets = 0;
        s2.timelineBuckets = 0;
        double mean = (Runner.run(s1).get("throughput").get("value").doubleValue()
                + Runner.run(s2).get("throughput").get("value").doubleValue()) / 2;
        assertThat(h.rows().get(0).cells().get(0).value()).isEqualTo(mean);
    }

    @Test
    void validationFailsBeforeAnyRun() {
        Grid g = grid(List.of("pull", "nope"), Map.of(), 1);
        assertThatThrownBy(() -> Comparison.run(g, List.of(Metric.HEADLINE), 1, (i, d, n) -> {
            throw new AssertionError("ran");
        })).isInstanceOf(InputError.class).hasMessageContaining("unknown policy 'nope'");
        Grid ok = grid(List.of("pull"), Map.of(), 1);
        assertThatThrownBy(() -> Comparison.run(ok, List.of(Metric.HEADLINE, Metric.parse("metrics.nope")), 1,
                (i, d, n) -> {
                    throw new AssertionError("ran");
                })).isInstanceOf(InputError.class).hasMessageContaining("no key 'nope'");
    }

    @Test
    void theHeadlineMustNotChangeAcrossParameterValues() {
        RunSpec t = new RunSpec();
        t.durationNs = 10_000_000;
        Grid g = new Grid(t, List.of("synthetic:cores=2"), List.of("spec-rate:copies=2"),
                Map.of("metric", List.of("time", "rate")), List.of("pull"), Grid.seeds(1));
        assertThatThrownBy(() -> Comparison.validate(g, List.of(Metric.HEADLINE)))
                .isInstanceOf(InputError.class).hasMessageContaining("headline metric changes");
    }
}
