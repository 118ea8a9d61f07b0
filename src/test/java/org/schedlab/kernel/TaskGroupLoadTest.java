package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.workload.Workloads;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TaskGroupLoadTest {
    private static final String TOPO = "synthetic:llcs=2,cores=8";
    private static final String WORKLOAD = "hackbench:groups=2,loops=200000";
    private static final long DURATION = 100_000_000;

    private static RunOutcome run(boolean costs, boolean autogroup, boolean ratelimit) {
        MachineConfig cfg = Sim.config(DURATION, 3, costs, true);
        cfg.autogroup = autogroup;
        cfg.tgLoadRatelimit = ratelimit;
        return Sim.run(TOPO, "pull", Workloads.parse(WORKLOAD), cfg);
    }

    @Test
    void theRootGroupKeepsNoGroupLoad() {
        Map<String, Long> counts = run(true, false, true).rec.counts();
        assertThat(counts.keySet()).noneMatch(k -> k.contains("tg_load_avg"));
    }

    @Test
    void theGroupChangesOnlyWhatItCosts() {
        RunOutcome root = run(false, false, true), group = run(false, true, false);
        assertThat(group.rec.counts().get("tg_load_avg.updates")).isPositive();
        assertThat(group.rec.contextSwitches).isEqualTo(root.rec.contextSwitches);
        assertThat(group.events).isEqualTo(root.events);
    }

    @Test
    void withTheRatelimitEachCpuAddsToTheGroupAtMostOncePerMillisecond() {
        RunOutcome limited = run(false, true, true), unlimited = run(false, true, false);
        long cpus = 16, ms = DURATION / 1_000_000;
        long updates = limited.rec.counts().get("tg_load_avg.updates");
        assertThat(updates).isPositive().isLessThanOrEqualTo(cpus * (ms + 1));
        assertThat(unlimited.rec.counts().get("tg_load_avg.updates")).as("a migration-heavy run without the limit")
                .isGreaterThan(updates);
    }

    @Test
    void keepingTheGroupLoadCostsTheCpusTime() {
        Map<String, Long> counts = run(true, true, false).rec.counts();
        assertThat(counts.get("kernel_ns.tg_load_avg")).isPositive();
        assertThat(counts.get("tg_load_avg.reads")).isGreaterThan(counts.get("tg_load_avg.updates"));
    }
}
