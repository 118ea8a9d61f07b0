package org.schedlab.policy.linux;

import org.junit.jupiter.api.Test;
import org.schedlab.kernel.Machine;
import org.schedlab.experiment.PublishedMechanisms;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.policy.Policies;
import org.schedlab.policy.SchedContext;
import org.schedlab.topology.Presets;
import org.schedlab.topology.SchedDomain;
import org.schedlab.workload.Workloads;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The NUMA imbalance allowance at fork and in load balancing, as e496132ebedd, f5b2eeb49991 and cb29a5c19d2d set it. */
class NumaImbalanceTest {
    /** Where fork balancing put the master and each thread of a pinned STREAM-8 started from CPU 16. */
    private static List<Integer> streamEightForks(String policy) {
        return java.util.Arrays.stream(PublishedMechanisms.streamEightForks(policy)).boxed().toList();
    }

    /** A 2 x EPYC 7763 machine for reading its sched domains. */
    private static SchedContext milan() {
        Policies.Resolved p = Policies.resolve("linux-wake");
        return new Machine(Presets.get("epyc-7763-2s"), p.policy, p.options, Workloads.parse("stream:threads=1,ntimes=1"),
                MachineConfig.of(1, 1, true, true)).context();
    }

    @Test
    void thresholdsAreTheLlcsPerNodeOrAQuarterOfTheLocalGroup() {
        SchedContext ctx = milan();
        SchedDomain numa = null;
        for (SchedDomain sd : ctx.domains().of(16)) if (sd.has(SchedDomain.SD_NUMA)) numa = sd;
        assertThat(numa).isNotNull();
        assertThat(numa.imbNumaNr).isEqualTo(8);   // 8 LLCs per node on 2 x EPYC 7763 NPS1
        assertThat(new NumaImbalance(256).limit(numa, 128)).isEqualTo(8);   // running <= imb_numa_nr
        // before e496132ebedd: running < 128 >> 2
        NumaImbalance quarter = new NumaImbalance(Scenes.withOptions(ctx, Map.of("numa_imb", "quarter"), null));
        assertThat(quarter.limit(numa, 128)).isEqualTo(31);
        // adjust_numa_imbalance: <= NUMA_IMBALANCE_MIN is ignored while allowed, kept beyond the limit
        assertThat(NumaImbalance.adjust(2, 8, 8)).isZero();
        assertThat(NumaImbalance.adjust(3, 8, 8)).isEqualTo(3);
        assertThat(NumaImbalance.adjust(2, 9, 8)).isEqualTo(2);
    }

    @Test
    void theAffinityCapSendsPinnedStreamThreadsToTheOtherNodeOnceTheirLocalCpusAreTaken() {
        // 5.18 (before cb29a5c19d2d) as K Prateek Nayak traced it: the master on CPU 16, then its 7 threads.
        // Capped at the 4 usable CPUs of node 0: three threads stay, the other four go to node 1.
        List<Integer> capped = streamEightForks("pull:numa_consistent=off");
        assertThat(capped.get(0)).isEqualTo(16);
        assertThat(capped.subList(1, 4)).containsExactly(32, 48, 0);
        assertThat(capped.subList(4, 8)).containsExactlyInAnyOrder(64, 80, 96, 112);
        // without the cap the allowance is imb_numa_nr = 8: every thread stays on node 0; once each usable LLC runs
        // one, the local LLC has as many idle usable CPUs as any (none) and the rest pile up on CPU 16, as printed
        List<Integer> uncapped = streamEightForks("pull:numa_consistent=off,numa_affinity_cap=off");
        assertThat(uncapped.subList(1, 8)).containsExactly(32, 48, 0, 16, 16, 16, 16);
    }

    @Test
    void mainlineForkJudgesTheIdleCpuImbalance() {
        // 6.19: the third thread leaves node 0 once the idle-CPU difference exceeds NUMA_IMBALANCE_MIN (3 > 2)
        List<Integer> mainline = streamEightForks("pull");
        assertThat(mainline.subList(1, 4)).containsExactly(32, 48, 64);
    }
}
