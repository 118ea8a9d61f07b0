package org.schedlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.InputError;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MetricTest {
    private static final JsonNode RESULT = json("""
            {"schema": "schedlab-run/1", "sim_time_ns": 5, "events": 9,
             "metrics": {"wakeup_latency_us": {"count": 3, "p99": 12.5, "max": 20, "cdf": [[1, 0.5]]},
                         "migrations": {"SMT": 2, "MC": 3}, "migrations_total": 5,
                         "counts": {"events.tick": 7, "events": 1},
                         "balance_overhead_ns": {}, "utilisation": 0.5, "idle_while_overloaded_ns": 40,
                         "marks": {"request": {"count": 4, "per_s": 8.0}}},
             "throughput": {"metric": "wakeup_latency_p99", "unit": "us", "higher_is_better": false, "value": 3.25}}
            """);

    private static JsonNode json(String s) {
        try {
            return Runner.JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void headlineTakesEverythingFromTheResult() {
        Metric h = Metric.parse("throughput");
        assertThat(h.isHeadline()).isTrue();
        assertThat(h.value(RESULT)).isEqualTo(3.25);
        assertThat(h.name(RESULT)).isEqualTo("wakeup_latency_p99");
        assertThat(h.unit(RESULT)).isEqualTo("us");
        assertThat(h.higherIsBetter(RESULT)).isFalse();
        assertThat(h.statistic(RESULT)).isEqualTo(Statistic.MEDIAN);
        JsonNode rate = json("{\"throughput\": {\"metric\": \"rps\", \"unit\": \"requests/s\", \"higher_is_better\": true, \"value\": 1}}");
        assertThat(h.statistic(rate)).isEqualTo(Statistic.AMEAN);
        assertThat(h.higherIsBetter(rate)).isTrue();
    }

    @Test
    void dottedPathsWithAndWithoutMetricsPrefix() {
        assertThat(Metric.parse("metrics.wakeup_latency_us.p99").value(RESULT)).isEqualTo(12.5);
        assertThat(Metric.parse("wakeup_latency_us.p99").value(RESULT)).isEqualTo(12.5);
        assertThat(Metric.parse("migrations_total").value(RESULT)).isEqualTo(5);
        assertThat(Metric.parse("sim_time_ns").value(RESULT)).isEqualTo(5);
        assertThat(Metric.parse("throughput.value").value(RESULT)).isEqualTo(3.25);
        assertThat(Metric.parse("metrics.marks.request.per_s").value(RESULT)).isEqualTo(8);
    }

    @Test
    void keysContainingDotsPreferTheLongestMatch() {
        assertThat(Metric.parse("metrics.counts.events.tick").value(RESULT)).isEqualTo(7);
        assertThat(Metric.parse("metrics.counts.events").value(RESULT)).isEqualTo(1);
    }

    @Test
    void aKeyMissingFromACounterMapIsZero() {
        assertThat(Metric.parse("metrics.migrations.NUMA").value(RESULT)).isZero();
        assertThat(Metric.parse("metrics.counts.events.wake_arrive").value(RESULT)).isZero();
        assertThat(Metric.parse("metrics.balance_overhead_ns.newidle").value(RESULT)).isZero();
    }

    @Test
    void missingKeysAndNonNumbersAreInputErrors() {
        assertThatThrownBy(() -> Metric.parse("metrics.wakeup_latency_us.p98").value(RESULT))
                .isInstanceOf(InputError.class).hasMessageContaining("no key 'p98' in metrics.wakeup_latency_us")
                .hasMessageContaining("p99");
        assertThatThrownBy(() -> Metric.parse("metrics.nope").value(RESULT)).isInstanceOf(InputError.class);
        assertThatThrownBy(() -> Metric.parse("metrics.wakeup_latency_us").value(RESULT))
                .isInstanceOf(InputError.class).hasMessageContaining("not a number");
        assertThatThrownBy(() -> Metric.parse("metrics..x")).isInstanceOf(InputError.class);
        assertThatThrownBy(() -> Metric.parse("x:sideways")).isInstanceOf(InputError.class).hasMessageContaining("sideways");
    }

    @Test
    void defaultDirectionStatisticAndUnit() {
        Metric p99 = Metric.parse("metrics.wakeup_latency_us.p99");
        assertThat(p99.higherIsBetter(RESULT)).isFalse();
        assertThat(p99.statistic(RESULT)).isEqualTo(Statistic.MEDIAN);
        assertThat(p99.unit(RESULT)).isEqualTo("us");
        assertThat(p99.name(RESULT)).isEqualTo("wakeup_latency_us.p99");
        Metric idle = Metric.parse("metrics.idle_while_overloaded_ns");
        assertThat(idle.higherIsBetter(RESULT)).isFalse();
        assertThat(idle.statistic(RESULT)).isEqualTo(Statistic.AMEAN);
        assertThat(idle.unit(RESULT)).isEqualTo("ns");
        Metric mig = Metric.parse("metrics.migrations_total");
        assertThat(mig.higherIsBetter(RESULT)).isFalse();
        assertThat(mig.unit(RESULT)).isEmpty();
        assertThat(Metric.parse("metrics.balance_overhead_total_ns").higherIsBetter(RESULT)).isFalse();
        assertThat(Metric.parse("metrics.utilisation").higherIsBetter(RESULT)).isTrue();
        assertThat(Metric.parse("metrics.marks.request.per_s").higherIsBetter(RESULT)).isTrue();
        assertThat(Metric.parse("metrics.marks.request.per_s").unit(RESULT)).isEqualTo("1/s");
        assertThat(Metric.parse("metrics.wakeup_latency_us.max").statistic(RESULT)).isEqualTo(Statistic.MEDIAN);
    }

    @Test
    void optionsOverrideTheDefaults() {
        Metric m = Metric.parse("metrics.migrations_total:higher:median");
        assertThat(m.higherIsBetter(RESULT)).isTrue();
        assertThat(m.statistic(RESULT)).isEqualTo(Statistic.MEDIAN);
        assertThat(m.path()).isEqualTo("metrics.migrations_total");
        assertThat(Metric.parse("wakeup_latency_us.p99:amean").statistic(RESULT)).isEqualTo(Statistic.AMEAN);
    }
}
