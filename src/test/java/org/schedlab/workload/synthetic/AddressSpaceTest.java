package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.cost.CostModel;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;

/** Which workloads run as processes of their own, and what a switch between address spaces costs. */
class AddressSpaceTest {
    private static JsonNode run(String workload, long mmSwitchNs) {
        RunSpec s = RunSpec.of("synthetic:cores=1", "linux-wake", workload, 20_000_000L, 1);
        s.timelineBuckets = 0;
        Runner.Prepared p = Runner.prepare(s);
        CostModel c = CostModel.defaults();
        c.mmSwitchNs = mmSwitchNs;
        p.config.costs = c;
        return Runner.run(p, null).get("metrics");
    }

    private static long switchNs(JsonNode metrics) { return metrics.get("counts").get("kernel_ns.context_switch").asLong(); }

    @Test
    void processWorkloadsAreProcessesAndThreadedOnesAreNot() {
        for (String w : new String[]{"tbench:clients=2", "netperf-rr:pairs=2", "kernel-build:jobs=2", "spec-rate:copies=2",
                "hackbench:groups=1,fds=2", "pipe:loops=10"})
            for (TaskTemplate t : Workloads.parse(w).templates) assertThat(t.ownAddressSpace).as(w + " " + t.comm).isTrue();
        for (String w : new String[]{"schbench:workers=4", "oltp:threads=4", "stream:threads=4", "hackbench:groups=1,fds=2,mode=thread",
                "pipe:loops=10,mode=thread"})
            for (TaskTemplate t : Workloads.parse(w).templates) assertThat(t.ownAddressSpace).as(w + " " + t.comm).isFalse();
    }

    @Test
    void onOneCpuEverySwitchBetweenTwoProcessesPaysTheMmSwitchAndThreadsNever() {
        // tbench, one client: client and server processes alternate on the CPU, so every switch changes address space
        JsonNode without = run("tbench:clients=1", 0), with = run("tbench:clients=1", 5_000);
        double perSwitchWithout = (double) switchNs(without) / without.get("context_switches").asLong();
        double perSwitchWith = (double) switchNs(with) / with.get("context_switches").asLong();
        // (the idle task runs only at start-up here: it keeps the last address space loaded)
        assertThat(perSwitchWith - perSwitchWithout).isBetween(4_900.0, 5_000.0);
        // schbench's workers are threads of one process: the same run either way
        assertThat(run("schbench:workers=4", 5_000)).isEqualTo(run("schbench:workers=4", 0));
    }
}
