package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchbenchTest {
    @Test
    void workersPostTheirMessageThreadWhichPostsThemBack() {
        WorkloadSpec w = Workloads.parse("schbench:message=2,workers=3");
        assertThat(w.templates).hasSize(1 + 2 * 2);
        assertThat(w.channels).isEqualTo(4);
        TaskTemplate main = w.templates.get(0);
        assertThat(main.comm).isEqualTo("schbench");
        assertThat(main.instances).isEqualTo(1);
        // the main thread creates the message threads one by one
        assertThat(Sim.ops(main, Op.Fork.class)).allSatisfy(f -> assertThat(f.count).isEqualTo(1))
                .extracting(f -> f.template).containsExactly(1, 3);
        for (int m = 0; m < 2; m++) {
            int mt = 1 + 2 * m;
            TaskTemplate msg = w.templates.get(mt), worker = w.templates.get(mt + 1);
            assertThat(msg.comm).isEqualTo("schbench-msg");
            assertThat(worker.comm).isEqualTo("schbench-worker");
            assertThat(msg.instances).isZero();
            assertThat(worker.instances).isZero();
            // each message thread creates its 3 workers, one per pass of a loop, before serving them
            assertThat(Sim.ops(msg, Op.Fork.class)).singleElement().satisfies(f -> {
                assertThat(f.template).isEqualTo(mt + 1);
                assertThat(f.count).isEqualTo(1);
            });
            assertThat(Sim.ops(msg, Op.LoopBegin.class)).extracting(l -> l.count).containsExactly(3, -1);
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
    void workersAreForkedByTheirMessageThread() {
        Sim.Births b = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", "schbench:message=2,workers=3", 20_000_000L, 1));
        assertThat(b.result().get("metrics").get("tasks_created").asLong()).isEqualTo(1 + 2 + 2 * 3);
        Sim.Birth main = b.only("schbench");
        List<Sim.Birth> msgs = b.childrenOf(main.pid());
        assertThat(msgs).hasSize(2).allSatisfy(x -> assertThat(x.comm()).isEqualTo("schbench-msg"));
        for (Sim.Birth msg : msgs)
            assertThat(b.childrenOf(msg.pid())).hasSize(3)
                    .allSatisfy(x -> assertThat(x.comm()).isEqualTo("schbench-worker"))
                    .allSatisfy(x -> assertThat(x.forkedAt()).isGreaterThan(msg.forkedAt()));
        assertThat(b.named("schbench-worker")).hasSize(6);
        assertThat(Sim.markCount(b.result(), "request")).isPositive();
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

    @Test
    void oldSchbenchMeasuresFromTheMessageThreadsStampAcrossItsPosts() {
        // 8 workers on 16 idle CPUs, no costs: the k-th post leaves (k-1) posts of 10 us after the stamp
        JsonNode r = Sim.run("synthetic:cores=16", "linux-wake",
                "schbench:version=old,message=1,workers=8,post=10us,cputime=1ms,msgcputime=1ms,sleeptime=2ms", 500_000_000L, false);
        JsonNode lat = r.get("metrics").get("marks").get("wakeup").get("latency_us");
        assertThat(lat.get("max").asDouble()).isBetween(69.0, 71.0);
        assertThat(Sim.value(r)).isBetween(60.0, 71.0);
        assertThat(Sim.markCount(r, "wakeup")).isGreaterThan(8 * 100);
    }

    @Test
    void oldSchbenchWorkersSpinOnTheClockAndWaitWhenOversubscribed() {
        // twice as many spinning workers as CPUs: a woken worker waits for a CPU for milliseconds
        JsonNode few = Sim.run("synthetic:cores=4", "pull", "schbench:version=old,message=1,workers=2", 1_000_000_000L, true);
        JsonNode many = Sim.run("synthetic:cores=4", "pull", "schbench:version=old,message=1,workers=8", 1_000_000_000L, true);
        assertThat(Sim.value(few)).isLessThan(100);
        assertThat(Sim.value(many)).isGreaterThan(1000);
        assertThatThrownBy(() -> Workloads.parse("schbench:version=old,opwork=1ms")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("opwork");
        assertThatThrownBy(() -> Workloads.parse("schbench:cputime=1ms")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("cputime");
    }
}
