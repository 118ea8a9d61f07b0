package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The default warm-up of benchmark runs: steady-state benchmarks discard one balance interval of the top sched
 * domain, whose min_interval is its span in ms (sd_init: {@code .min_interval = sd_weight}), at most half the run;
 * benchmarks measured to completion discard nothing; an explicit warm-up, or a larger workload {@code warmup}, wins.
 */
class AutoWarmupTest {
    private static final long MS = 1_000_000L, S = 1_000_000_000L;
    private static final String[] STEADY = {"tbench", "netperf-rr", "schbench", "oltp", "inference", "stream"};
    private static final String[] TO_COMPLETION = {"spec-rate", "hackbench", "kernel-build", "stream:ntimes=3",
            "inference:steps=3"};

    private static long warmup(String topology, String workload, long durationNs, long given) {
        RunSpec s = RunSpec.of(topology, "pull", workload, durationNs, 1);
        s.warmupNs = given;
        return Runner.prepare(s).config.warmupNs;
    }

    @Test
    void steadyStateBenchmarksDiscardTheirStartUpAndOneTopLevelBalanceInterval() {
        for (String wl : STEADY) {
            long startup = org.schedlab.workload.Workloads.parse(wl).startupNs;
            assertThat(startup).as(wl).isPositive();
            assertThat(warmup("synthetic:cores=4", wl, S, RunSpec.WARMUP_AUTO)).as(wl).isEqualTo(startup + 4 * MS);
            assertThat(warmup("synthetic:llcs=2,cores=4", wl, S, RunSpec.WARMUP_AUTO)).as(wl).isEqualTo(startup + 8 * MS);
            assertThat(warmup("synthetic:packages=2,llcs=2,cores=8", wl, S, RunSpec.WARMUP_AUTO)).as(wl).isEqualTo(startup + 32 * MS);
            // at most half the run
            assertThat(warmup("synthetic:packages=2,llcs=2,cores=8", wl, 40 * MS, RunSpec.WARMUP_AUTO)).as(wl).isEqualTo(20 * MS);
        }
    }

    @Test
    void theStartUpEstimateIsTheForkGapsPlusTheKernelsForkCost() {
        // tbench: the parent forks each client after a process-fork gap (60-130 us) plus the kernel's 25 us
        assertThat(org.schedlab.workload.Workloads.parse("tbench:clients=8").startupNs).isEqualTo(8 * (95_000 + 25_000));
        assertThat(org.schedlab.workload.Workloads.parse("tbench:clients=8,stagger=0").startupNs).isEqualTo(8 * 25_000);
    }

    @Test
    void completionTimeBenchmarksKeepTheWholeRun() {
        for (String wl : TO_COMPLETION)
            assertThat(warmup("synthetic:llcs=2,cores=4", wl, S, RunSpec.WARMUP_AUTO)).as(wl).isZero();
    }

    @Test
    void anExplicitWarmupOrTheWorkloadsOwnWins() {
        assertThat(warmup("synthetic:llcs=2,cores=4", "tbench", S, 0)).isZero();
        assertThat(warmup("synthetic:llcs=2,cores=4", "tbench", S, 2 * MS)).isEqualTo(2 * MS);
        assertThat(warmup("synthetic:llcs=2,cores=4", "tbench:warmup=10ms", S, 2 * MS)).isEqualTo(10 * MS);
        assertThat(warmup("synthetic:llcs=2,cores=4", "tbench:warmup=10ms", S, RunSpec.WARMUP_AUTO)).isEqualTo(10 * MS);
        assertThat(warmup("synthetic:llcs=2,cores=4", "spec-rate", S, 3 * MS)).isEqualTo(3 * MS);
    }

    @Test
    void aSteadyWarmupIsTheStartUpAndThreeTopLevelIntervalsAndTheDurationIsTheWindowAfterIt() {
        for (String wl : STEADY) {
            long startup = org.schedlab.workload.Workloads.parse(wl).startupNs;
            RunSpec s = RunSpec.of("synthetic:packages=2,llcs=2,cores=8", "pull", wl, 40 * MS, 1);
            s.warmupNs = RunSpec.WARMUP_STEADY;
            org.schedlab.kernel.MachineConfig cfg = Runner.prepare(s).config;
            assertThat(cfg.warmupNs).as(wl).isEqualTo(startup + 3 * 32 * MS);
            assertThat(cfg.durationNs).as(wl).isEqualTo(cfg.warmupNs + 40 * MS);
        }
        assertThat(RunSpec.parseWarmup("--warmup", "steady")).isEqualTo(RunSpec.WARMUP_STEADY);
        assertThat(RunSpec.parseWarmup("--warmup", "auto")).isEqualTo(RunSpec.WARMUP_AUTO);
        assertThat(RunSpec.parseWarmup("--warmup", "7ms")).isEqualTo(7 * MS);
    }

    @Test
    void theResultMeasuresAfterTheWarmup() {
        RunSpec s = Sim.spec("synthetic:cores=4", "pull", "tbench:clients=2", 20 * MS, 1);
        s.warmupNs = RunSpec.WARMUP_AUTO;
        JsonNode auto = Sim.run(s);
        long warm = 4 * MS + 2 * (95_000 + 25_000);
        assertThat(auto.get("config").get("warmup_ns").asLong()).isEqualTo(warm);
        assertThat(auto.get("metrics").get("measured_ns").asLong()).isEqualTo(20 * MS - warm);
        // the tasks were all created during the warm-up, so the measured window saw none created
        assertThat(auto.get("metrics").get("tasks_created").asLong()).isZero();
        JsonNode fromStart = Sim.run(Sim.spec("synthetic:cores=4", "pull", "tbench:clients=2", 20 * MS, 1));
        assertThat(fromStart.get("metrics").get("tasks_created").asLong()).isEqualTo(2 + 2 * 2);
        assertThat(fromStart.get("metrics").get("measured_ns").asLong()).isEqualTo(20 * MS);
    }
}
