package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchbenchTest {
    @Test
    void workersPostTheirMessageThreadWhichPostsThemBack() {
        WorkloadSpec w = Workloads.parse("schbench:message=2,workers=3");
        assertThat(w.templates).hasSize(4);
        assertThat(w.channels).isEqualTo(4);
        for (int m = 0; m < 2; m++) {
            TaskTemplate msg = w.templates.get(2 * m), worker = w.templates.get(2 * m + 1);
            assertThat(msg.comm).isEqualTo("schbench-msg");
            assertThat(msg.instances).isEqualTo(1);
            assertThat(worker.instances).isEqualTo(3);
            assertThat(Sim.ops(worker, Op.Signal.class)).extracting(s -> s.channel).containsExactly(Schbench.requestChannel(m));
            assertThat(Sim.ops(worker, Op.Wait.class)).extracting(s -> s.channel).containsExactly(Schbench.wakeChannel(m));
            assertThat(Sim.ops(msg, Op.Wait.class)).extracting(s -> s.channel).containsExactly(Schbench.requestChannel(m));
            assertThat(Sim.ops(msg, Op.Signal.class)).extracting(s -> s.channel).containsExactly(Schbench.wakeChannel(m));
            assertThat(Sim.ops(worker, Op.Sleep.class)).hasSize(1);
            assertThat(Sim.ops(worker, Op.LoopBegin.class)).extracting(l -> l.count).containsExactly(-1, 5);
        }
        assertThat(w.headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.LATENCY_P99);
        assertThat(w.marks).containsExactly("wakeup", "request");
    }

    @Test
    void wakeupLatencyGrowsOnceWorkersOutnumberCpus() {
        JsonNode few = Sim.run("synthetic:cores=4", "schbench:workers=2", 200_000_000L);
        JsonNode many = Sim.run("synthetic:cores=4", "schbench:workers=16", 200_000_000L);
        assertThat(few.get("throughput").get("unit").asText()).isEqualTo("us");
        assertThat(Sim.value(few)).isLessThan(100);
        assertThat(Sim.value(many)).isGreaterThan(10 * Sim.value(few));
        assertThat(Sim.markP99Us(many, "request")).isGreaterThan(Sim.markP99Us(few, "request"));
    }

    @Test
    void requestsPerSecondScaleUntilTheCpusAreFull() {
        double one = Sim.value(Sim.run("synthetic:cores=4", "schbench:workers=1,metric=rps", 200_000_000L));
        double four = Sim.value(Sim.run("synthetic:cores=4", "schbench:workers=4,metric=rps", 200_000_000L));
        double sixteen = Sim.value(Sim.run("synthetic:cores=4", "schbench:workers=16,metric=rps", 200_000_000L));
        // one worker: 1 ms of CPU and 0.1 ms of sleep per request
        assertThat(one).isBetween(800.0, 920.0);
        assertThat(four).isGreaterThan(3 * one);
        assertThat(sixteen).isLessThan(4400.0);
    }

    @Test
    void unknownMetricIsRejected() {
        assertThatThrownBy(() -> Workloads.parse("schbench:metric=p50")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("metric must be one of wakeup, request, rps");
    }
}
