package org.schedlab.workload.synthetic;

import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class InferenceTest {
    @Test
    void eachPoolMeetsAtItsOwnLayerAndStepBarriers() {
        WorkloadSpec w = Workloads.parse("inference:batches=2,threads=3,layers=5");
        assertThat(w.templates).extracting(t -> t.comm).containsExactly("infer-lead", "infer-worker", "infer-lead", "infer-worker");
        assertThat(w.templates).extracting(t -> t.instances).containsExactly(1, 2, 1, 2);
        assertThat(w.barrierParties).containsExactly(3, 3, 3, 3);
        for (int b = 0; b < 2; b++) {
            var lead = w.templates.get(2 * b);
            var worker = w.templates.get(2 * b + 1);
            assertThat(Sim.ops(lead, Op.Barrier.class)).extracting(x -> x.barrier)
                    .containsExactly(Inference.layerBarrier(b), Inference.stepBarrier(b));
            assertThat(Sim.ops(worker, Op.Barrier.class)).extracting(x -> x.barrier)
                    .containsExactly(Inference.layerBarrier(b), Inference.stepBarrier(b));
            assertThat(Sim.ops(lead, Op.LoopBegin.class)).extracting(l -> l.count).containsExactly(-1, 5);
            // the lead also runs the post-processing step
            assertThat(Sim.ops(lead, Op.Run.class)).hasSize(2);
            assertThat(Sim.ops(worker, Op.Run.class)).hasSize(1);
        }
        assertThat(w.headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.RATE);
        assertThat(Workloads.parse("inference:steps=3").headline.kind).isEqualTo(WorkloadSpec.HeadlineKind.COMPLETION_TIME);
        assertThatThrownBy(() -> Workloads.parse("inference:metric=time")).isInstanceOf(WorkloadException.class)
                .hasMessageContaining("steps > 0");
    }

    @Test
    void stepTimeMatchesTheClosedFormWhenEveryThreadHasACpu() {
        // 10 steps of 8 layers × 1.1 ms per thread plus 0.3 ms of post-processing
        var r = Sim.run("synthetic:cores=4", "linux-wake", "inference:threads=4,layers=8,layerwork=4.4ms,imbalance=0,steps=10",
                1_000_000_000L, false);
        assertThat(Sim.value(r)).isCloseTo(10 * (8 * 1.1e-3 + 0.3e-3), within(1e-5));
        assertThat(Sim.markCount(r, "step")).isEqualTo(10);
    }

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
