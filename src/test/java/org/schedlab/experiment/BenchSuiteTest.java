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

    @Test
    void scalingScenariosSweepCpusAtOneLoadPerCpuAndTasksOnOneMachine() {
        assertThat(Bench.SCALING).extracting(Bench.Scenario::name).containsExactly("cpus64", "cpus256", "cpus1024", "cpus4096",
                "tasks100", "tasks1000", "tasks10000", "tasks100000");
        // 70% of what every machine serves with both threads of each core busy (0.625 each) at all-thread boost
        // (0.786): 0.7 x 1024 x 0.625 x 0.786 / 10 ms = 35212.8 arrivals per second
        assertThat(Bench.scenario("cpus1024").workload()).isEqualTo("poisson:rate=35213,service=exp:10ms");
        assertThat(Bench.scenario("cpus4096").topology()).isEqualTo("synthetic:packages=8,llcs=16,cores=16,smt=2");
        assertThat(Bench.scenario("tasks10000").build().get().templates.get(0).instances).isEqualTo(10_000);
        ObjectNode r = Bench.suite(List.of(Bench.scenario("tasks1000")), List.of("pull"), 0.05, 1, null);
        JsonNode row = r.get("rows").get(0);
        assertThat(row.get("cpus").asInt()).isEqualTo(256);
        assertThat(row.get("events").asLong()).isPositive();
        // a thousand live tasks cost the heap something, and not megabytes each
        assertThat(row.get("heap_bytes_per_task").asLong()).isBetween(1L, 100_000L);
    }
}
