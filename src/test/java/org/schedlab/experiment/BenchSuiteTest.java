package org.schedlab.experiment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.schedlab.InputError;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bench suite's rows and summary keys (not a timing test: a tiny scale, any speed passes). */
class BenchSuiteTest {
    @Test
    void everyRowHasItsFiguresAndTheSummaryNamesTheWorst() {
        assertThat(Bench.SCENARIOS).extracting(Bench.Scenario::name)
                .containsExactly("pingpong", "hackbench16", "schbench512", "tbench1024", "big4096");
        List<Bench.Scenario> two = List.of(Bench.scenario("pingpong"), Bench.scenario("schbench512"));
        ObjectNode r = Bench.suite(two, List.of("pull", "push"), 0.01, 1, null);
        assertThat(r.get("rows")).hasSize(4);
        double worst = 0;
        for (JsonNode row : r.get("rows")) {
            for (String k : List.of("scenario", "policy", "cpus", "events", "us_per_event", "bare_us_per_event", "ratio",
                    "wall_per_sim_s", "alloc_bytes_per_event")) assertThat(row.has(k)).as(k).isTrue();
            assertThat(row.get("events").asLong()).isPositive();
            assertThat(row.get("alloc_bytes_per_event").asDouble()).isNotNegative();
            worst = Math.max(worst, row.get("ratio").asDouble());
        }
        assertThat(r.get("worst_ratio").asDouble()).isEqualTo(worst);
        assertThat(r.get("worst_row").asText()).matches("(pingpong|schbench512) (pull|push)");
        assertThatThrownBy(() -> Bench.scenario("nope")).isInstanceOf(InputError.class).hasMessageContaining("known: pingpong");
    }
}
