package org.schedlab.policy.linux;

import org.junit.jupiter.api.Test;
import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.policy.Policies;
import org.schedlab.topology.SchedDomain;
import org.schedlab.topology.SchedDomains;
import org.schedlab.topology.Topology;
import org.schedlab.topology.TopologyBuilder;
import org.schedlab.topology.TopologySources;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Hybrid x86 parts with SMT: the kernel does not scale capacities (every CPU reports 1024, intel_pstate and
 * amd-pstate hand ITMT priorities instead) and domains above SMT carry SD_ASYM_PACKING, so an idle CPU of a
 * faster core pulls work from a slower one (group_asym_packing, asym_active_balance, the nohz kick). CPU-bound
 * tasks up to the number of fast cores then run at fast-core speed, one per core.
 */
class AsymPackingTest {
    /** The real Raptor Lake i7-1370P capture: 6 P-cores with SMT (CPUs 0-11), 8 E-cores (12-19). */
    private static final Topology RAPTOR = TopologySources.resolve("src/test/resources/topologies/Intel-RaptorLake-Corei7-1370P.xml");

    /** A Zen 5 + Zen 5c laptop part: 4 Zen 5 cores in one CCX, 8 Zen 5c cores (about 65% as fast) in another. */
    private static Topology strixPoint() {
        TopologyBuilder b = new TopologyBuilder("zen5-zen5c").vendor("AMD");
        int os = 0;
        for (int core = 0; core < 12; core++) {
            int llc = core < 4 ? 0 : 1;
            int cap = core < 4 ? 1024 : 663;
            for (int t = 0; t < 2; t++) b.cpu(os++, 0, 0, 0, llc, TopologyBuilder.NONE, core, cap);
        }
        return b.build();
    }

    private static WorkloadSpec hogs(int n) {
        WorkloadSpec w = new WorkloadSpec("hogs");
        for (int i = 0; i < n; i++)
            w.addTemplate(new TaskTemplate("hog" + i, new Op[]{new Op.LoopBegin(-1), new Op.Run(Dist.constant(10_000_000)), new Op.LoopEnd(0)}, 1));
        return w;
    }

    private static double work(Topology t, String policy, int n, long ns) {
        Policies.Resolved p = Policies.resolve(policy);
        MachineConfig cfg = MachineConfig.of(ns, 1, true, true);
        cfg.checkInvariants = true;
        return new Machine(t, p.policy, p.options, hogs(n), cfg).run().workExecuted;
    }

    /** Work per second in [1 s, 2 s] in units of the fastest core (the first second repeats: same seed). */
    private static double workRate(Topology t, String policy, int n) {
        return (work(t, policy, n, 2_000_000_000L) - work(t, policy, n, 1_000_000_000L)) / 1e9;
    }

    @Test
    void theSchedulerSeesOneCapacityAndItmtPriorities() {
        assertThat(RAPTOR.itmt()).isTrue();
        for (int c = 0; c < RAPTOR.nrCpus(); c++) assertThat(RAPTOR.kernelCapacityOf(c)).isEqualTo(1024);
        assertThat(RAPTOR.capacityOf(0)).isEqualTo(1024);
        assertThat(RAPTOR.capacityOf(12)).isLessThan(1024);
        assertThat(RAPTOR.asymPriority(0)).isGreaterThan(RAPTOR.asymPriority(12));
        SchedDomains sds = SchedDomains.build(RAPTOR);
        for (SchedDomain sd : sds.of(12)) {
            assertThat(sd.has(SchedDomain.SD_ASYM_CPUCAPACITY)).isFalse();
            assertThat(sd.has(SchedDomain.SD_ASYM_PACKING)).as(sd.name).isEqualTo(!sd.name.equals("SMT"));
        }
        assertThat(sds.sdAsymPacking(12).name).isEqualTo("MC");
    }

    @Test
    void hogsUpToTheNumberOfPCoresRunAtPCoreSpeedOnRaptorLake() {
        for (int n : new int[]{1, 4, 6}) assertThat(workRate(RAPTOR, "pull", n)).as("%d hogs", n).isCloseTo(n, within(0.03 * n));
    }

    @Test
    void fourHogsRunOnTheFourZen5CoresAcrossLlcs() {
        Topology t = strixPoint();
        assertThat(t.itmt()).isTrue();
        assertThat(workRate(t, "pull", 4)).isCloseTo(4.0, within(0.12));
        // without balancing nothing moves a hog that fork placed on a Zen 5c core
        assertThat(workRate(t, "linux-wake", 4)).isLessThan(3.8);
    }
}
