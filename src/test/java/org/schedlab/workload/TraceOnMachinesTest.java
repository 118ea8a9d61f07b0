package org.schedlab.workload;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;

import static org.assertj.core.api.Assertions.assertThat;

/** The real Juno trace replays to completion on the Juno board it came from and on a 2×EPYC 9654. */
class TraceOnMachinesTest {
    private static final String TRACE = "src/test/resources/traces/juno-trace.txt";

    private static ObjectNode replay(String topology, String workload) {
        RunSpec s = RunSpec.of(topology, "pull", workload, 60_000_000_000L, 1);
        s.timelineBuckets = 0;
        s.costs = false;   // no work jitter: the replay's work must equal the recorded CPU time
        return Runner.run(s);
    }

    @Test
    void replaysOnJunoAndOnEpyc() {
        long traceCpuNs = Long.parseLong(Workloads.parse("trace:" + TRACE).params.get("total_cpu_ns"));
        for (String topo : new String[]{"juno-r0", "epyc-9654-2s"}) {
            ObjectNode r = replay(topo, "trace:" + TRACE);
            assertThat(r.get("metrics").get("tasks_exited").asLong()).as(topo).isEqualTo(49);
            long demanded = r.get("metrics").get("work_ns").get("demanded").asLong();
            assertThat((double) demanded).isCloseTo(traceCpuNs, org.assertj.core.data.Percentage.withPercentage(1));
        }
    }

    @Test
    void cpuTimeRecordedOnLittleCoresIsLessWork() {
        long plain = Long.parseLong(Workloads.parse("trace:" + TRACE).params.get("total_cpu_ns"));
        ObjectNode scaled = replay("juno-r0", "trace:" + TRACE + ",recorded_on=juno-r0");
        long demanded = scaled.get("metrics").get("work_ns").get("demanded").asLong();
        assertThat(demanded).isLessThan(plain);
        assertThat(demanded).isGreaterThan(plain * 446 / 1024);
        assertThat(scaled.get("metrics").get("tasks_exited").asLong()).isEqualTo(49);
    }
}
