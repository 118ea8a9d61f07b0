package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;

class KernelBuildTest {
    private static final String BUILD = "kernel-build:files=40,scale=0.01";

    @Test
    void makeKeepsJobsInFlightAndEachJobForksCompilerAndAssembler() {
        WorkloadSpec w = Workloads.parse("kernel-build:jobs=3,files=10");
        assertThat(w.templates).extracting(t -> t.comm).containsExactly("make", "sh", "cc1", "as", "ld");
        assertThat(w.templates).extracting(t -> t.instances).containsExactly(1, 0, 0, 0, 0);
        var make = w.templates.get(KernelBuild.MAKE);
        assertThat(Sim.ops(make, Op.Fork.class)).extracting(f -> f.template + "x" + f.count)
                .containsExactly("1x3", "1x1", "4x1");
        assertThat(Sim.ops(make, Op.LoopBegin.class)).extracting(l -> l.count).containsExactly(7);
        assertThat(Sim.ops(make, Op.WaitChildren.class)).extracting(x -> x.count).containsExactly(1, 3, 1);
        var job = w.templates.get(KernelBuild.JOB);
        assertThat(Sim.ops(job, Op.Exec.class)).hasSize(1);
        assertThat(Sim.ops(job, Op.Fork.class)).extracting(f -> f.template).containsExactly(KernelBuild.CC1, KernelBuild.AS);
        assertThat(Sim.ops(w.templates.get(KernelBuild.CC1), Op.Exec.class)).hasSize(1);
        // cc1 median 450 ms × scale 0.02 with sigma 0.9
        double mean = Sim.ops(w.templates.get(KernelBuild.CC1), Op.Run.class).get(0).work.mean();
        assertThat(mean).isBetween(13e6, 14e6);
        assertThat(w.endWhenAllExit).isTrue();
    }

    @Test
    void moreJobsFinishSoonerUntilTheCpusAreFull() {
        JsonNode j1 = Sim.run("synthetic:cores=4", BUILD + ",jobs=1", 5_000_000_000L);
        JsonNode j4 = Sim.run("synthetic:cores=4", BUILD + ",jobs=4", 5_000_000_000L);
        JsonNode j16 = Sim.run("synthetic:cores=4", BUILD + ",jobs=16", 5_000_000_000L);
        for (JsonNode j : new JsonNode[]{j1, j4, j16}) {
            // every job ran its compiler and assembler and the build ended: with 16 jobs on 4 CPUs a stale Run end
            // used to skip a job's fork of as, leaving the build waiting for ever (and reporting the duration)
            assertThat(j.get("metrics").get("tasks_created").asLong()).isEqualTo(1 + 3 * 40 + 1);
            assertThat(j.get("metrics").get("tasks_exited").asLong()).isEqualTo(1 + 3 * 40 + 1);
            assertThat(j.get("throughput").has("unfinished")).isFalse();
        }
        assertThat(Sim.markCount(j4, "objects")).isEqualTo(40);
        assertThat(Sim.value(j4)).isLessThan(0.45 * Sim.value(j1));
        // every build finishes: a run completion armed for a task that exited at the same instant never moved
        // the next task on its CPU past an op (two jobs used to skip their fork of as and wait for ever)
        for (JsonNode j : new JsonNode[]{j1, j4, j16})
            assertThat(j.get("metrics").get("tasks_live_at_end").asLong()).isZero();
        assertThat(Sim.value(j16)).isGreaterThan(0.7 * Sim.value(j4));
        assertThat(Sim.value(j1)).isLessThan(5.0);
    }
}
