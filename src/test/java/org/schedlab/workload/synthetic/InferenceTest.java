package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.experiment.RunSpec;
import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class InferenceTest {
    @Test
    void eachPoolMeetsAtItsOwnLayerAndStepBarriers() {
        WorkloadSpec w = Workloads.parse("inference:batches=2,threads=3,layers=5");
        assertThat(w.templates).extracting(t -> t.comm).containsExactly("infer-lead", "infer-worker", "infer-lead", "infer-worker");
        // the leads start; each creates its pool's 2 workers
        assertThat(w.templates).extracting(t -> t.instances).containsExactly(1, 0, 1, 0);
        assertThat(w.barrierParties).containsExactly(3, 3, 3, 3);
        for (int pool = 0; pool < 2; pool++) {
            int b = pool;
            var lead = w.templates.get(2 * b);
            var worker = w.templates.get(2 * b + 1);
            assertThat(Sim.ops(lead, Op.Fork.class)).singleElement().satisfies(f -> {
                assertThat(f.template).isEqualTo(2 * b + 1);
                assertThat(f.count).isEqualTo(1);
            });
            assertThat(Sim.ops(worker, Op.Fork.class)).isEmpty();
            assertThat(Sim.ops(lead, Op.Barrier.class)).extracting(x -> x.barrier)
                    .containsExactly(Inference.layerBarrier(b), Inference.stepBarrier(b));
            assertThat(Sim.ops(worker, Op.Barrier.class)).extracting(x -> x.barrier)
                    .containsExactly(Inference.layerBarrier(b), Inference.stepBarrier(b));
            assertThat(Sim.ops(lead, Op.LoopBegin.class)).extracting(l -> l.count).containsExactly(2, -1, 5);
            // the lead creates a thread (pthread_create's user part), computes its share and runs the post-processing
            assertThat(Sim.ops(lead, Op.Run.class)).extracting(r -> r.work.mean())
                    .containsExactly(Launch.THREAD_CREATE.mean(), 1e6, 3e5);
            assertThat(Sim.ops(worker, Op.Run.class)).extracting(r -> r.work.mean()).containsExactly(1e6);
        }
        assertThat(w.headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.RATE);
        assertThat(Workloads.parse("inference:steps=3").headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.COMPLETION_TIME);
        assertThatThrownBy(() -> Workloads.parse("inference:metric=time")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("steps > 0");
    }

    /**
     * 10 steps of 8 layers × 1.1 ms per thread plus 0.3 ms of post-processing. The first layer barrier waits for the
     * last worker, which the lead creates after 3 thread-creation gaps (5–15 µs each); from then on every thread
     * has its own CPU. The gaps are the lead's only work besides the steps'.
     */
    @Test
    void stepTimeMatchesTheClosedFormWhenEveryThreadHasACpu() {
        String wl = "inference:threads=4,layers=8,layerwork=4.4ms,imbalance=0,steps=10";
        double steps = 10 * (8 * 1.1e-3 + 0.3e-3), work = 10 * (4 * 8 * 1.1e-3 + 0.3e-3);
        var together = run(wl + ",stagger=0");
        assertThat(Sim.value(together)).isCloseTo(steps, within(1e-6));
        assertThat(Sim.markCount(together, "step")).isEqualTo(10);
        for (long seed : new long[]{1, 2}) {
            RunSpec s = spec(wl);
            s.seed = seed;
            var r = Sim.run(s);
            double gaps = Sim.demanded(r) * 1e-9 - work;
            assertThat(gaps).isBetween(3 * 5e-6, 3 * 15e-6)
                    .isCloseTo(3 * Launch.THREAD_CREATE.mean() * 1e-9, within(3 * Sim.sumOfUniformsSd(3, 5e-6, 15e-6)));
            assertThat(Sim.value(r)).as("seed %d", seed).isCloseTo(gaps + steps, within(1e-6));
            assertThat(Sim.markCount(r, "step")).isEqualTo(10);
        }
    }

    @Test
    void eachLeadCreatesItsOwnWorkers() {
        Sim.Births b = Sim.births(Sim.spec("synthetic:cores=8", "linux-wake", "inference:batches=2,threads=4,steps=2", 1_000_000_000L, 1));
        List<Sim.Birth> leads = b.named("infer-lead");
        assertThat(leads).hasSize(2).allSatisfy(l -> assertThat(l.parent()).isEqualTo(-1));
        for (Sim.Birth lead : leads)
            assertThat(b.childrenOf(lead.pid())).hasSize(3).allSatisfy(x -> assertThat(x.comm()).isEqualTo("infer-worker"));
        assertThat(b.tasks()).hasSize(8);
        assertThat(b.result().get("metrics").get("tasks_exited").asLong()).isEqualTo(8);
    }

    private static RunSpec spec(String workload) {
        RunSpec s = Sim.spec("synthetic:cores=4", "linux-wake", workload, 1_000_000_000L, 1);
        s.costs = false;
        return s;
    }

    private static JsonNode run(String workload) { return Sim.run(spec(workload)); }

    @Test
    void oneExtraThreadStallsThePoolAndSmtSlowsIt() {
        double fit = Sim.value(Sim.run("synthetic:cores=4", "inference:threads=4", 300_000_000L));
        double over = Sim.value(Sim.run("synthetic:cores=4", "inference:threads=5", 300_000_000L));
        double smt = Sim.value(Sim.run("synthetic:cores=4,smt=2", "inference:threads=8", 300_000_000L));
        double cores = Sim.value(Sim.run("synthetic:cores=8", "inference:threads=8", 300_000_000L));
        assertThat(fit).isBetween(25.0, 32.0);
        assertThat(over).isLessThan(0.7 * fit);
        assertThat(smt).isLessThan(0.8 * cores);
        double twoPools = Sim.value(Sim.run("synthetic:cores=8", "inference:batches=2,threads=4", 300_000_000L));
        assertThat(twoPools).isGreaterThan(1.6 * fit);
    }
}
