package org.schedlab.policy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Each balancing mechanism doing its one job in a small scenario (2 LLCs of 4 CPUs unless said otherwise). */
class BalancerMechanismTest {
    private static final String TWO_LLCS = "synthetic:llcs=2,cores=4";

    @Test
    void newidlePullsFromTheOverloadedSiblingWithinMicroseconds() {
        // CPU 0 runs two tasks; CPU 1's only task exits at 5 ms; every other CPU is busy with a pinned task
        Scenario s = new Scenario(TWO_LLCS).hog("a", 0, true).hog("b", 0, true).oneShot("short", 1, 5_000_000);
        for (int c = 2; c < 8; c++) s.hog("busy" + c, c, false);
        s.run("pull", 20_000_000L, true);
        List<Scenario.Move> pulls = s.moves("newidle");
        assertThat(pulls).isNotEmpty();
        Scenario.Move m = pulls.get(0);
        assertThat(m.from()).isEqualTo(0);
        assertThat(m.to()).isEqualTo(1);
        assertThat(m.t()).isBetween(5_000_000L, 5_000_000L + 30_000L);
    }

    @Test
    void nohzIdleBalancerIsKickedAndPullsForTicklessCpus() {
        // three tasks on CPU 0, CPUs 1-3 busy, the other LLC idle with its ticks stopped from the start
        Scenario s = new Scenario(TWO_LLCS).hog("a", 0, true).hog("b", 0, true).hog("c", 0, true);
        for (int c = 1; c < 4; c++) s.hog("busy" + c, c, false);
        s.run("pull", 100_000_000L, true);
        assertThat(s.out.rec.counts()).containsKey("ipis.nohz");
        List<Scenario.Move> pulls = s.moves("nohz");
        assertThat(pulls).hasSizeGreaterThanOrEqualTo(2);
        assertThat(pulls).allSatisfy(m -> assertThat(m.to()).isBetween(4, 7));
        // the first pull follows one of CPU 0's first busy ticks (every 4 ms at HZ=250) plus the IPI
        assertThat(pulls.get(0).t()).isBetween(4_000_000L, 12_100_000L);
        // prefer-sibling balancing evens the task count of the two LLCs: 3 and 3
        int[] per = s.perCpu();
        assertThat(per[0] + per[1] + per[2] + per[3]).isEqualTo(3);
        assertThat(per[4] + per[5] + per[6] + per[7]).isEqualTo(3);
    }

    @Test
    void periodicBalancingEvensLoadAcrossNumaNodesInMilliseconds() {
        // 2 packages (NUMA nodes) of 4 CPUs; 8 tasks start on node 0, two per CPU; node 1 idle
        Scenario s = new Scenario("synthetic:packages=2,cores=4");
        for (int i = 0; i < 8; i++) s.hog("t" + i, i % 4, true);
        s.run("pull", 500_000_000L, true);
        assertThat(s.perCpu()).containsOnly(1);
        long crossNode = s.moves.stream().filter(m -> m.from() < 4 && m.to() >= 4).count();
        assertThat(crossNode).isGreaterThanOrEqualTo(4);
        // tasks cross one at a time as the ILB's pulls succeed: the first within tens of ms, all by a few hundred
        long first = s.moves.stream().filter(m -> m.from() < 4 && m.to() >= 4).mapToLong(Scenario.Move::t).min().orElse(-1);
        long last = s.moves.stream().filter(m -> m.from() < 4 && m.to() >= 4).mapToLong(Scenario.Move::t).max().orElse(0);
        assertThat(first).isBetween(1_000_000L, 50_000_000L);
        assertThat(last).isLessThan(300_000_000L);
    }

    private static Scenario pushScenario(String policy) {
        // CPU 2 has two tasks that take turns at each tick; CPU 1 (same LLC) and CPU 5 (other LLC) are idle
        Scenario s = new Scenario(TWO_LLCS).hog("a", 2, true).hog("b", 2, true);
        for (int c : new int[]{0, 3, 4, 6, 7}) s.hog("busy" + c, c, false);
        return s.run(policy, 6_000_000L, true);
    }

    @Test
    void pushMovesAPreemptedTaskToATicklessIdleCpu() {
        Scenario s = pushScenario("push");
        List<Scenario.Move> pushes = s.moves("push");
        assertThat(pushes).hasSize(1);
        // as posted: the first tickless idle CPU after the pusher in numeric order, here in the other LLC
        assertThat(pushes.get(0).from()).isEqualTo(2);
        assertThat(pushes.get(0).to()).isEqualTo(5);
        assertThat(pushes.get(0).t()).isBetween(4_000_000L, 4_010_000L);
        // the target did not poll: it had no tick and ran no balancing before the push reached it
        assertThat(s.moves("nohz")).noneMatch(m -> m.t() < pushes.get(0).t());
    }

    @Test
    void perLlcNohzPrefersThePushersOwnLlc() {
        Scenario s = pushScenario("push:nohz=per-llc");
        List<Scenario.Move> pushes = s.moves("push");
        assertThat(pushes).hasSize(1);
        assertThat(pushes.get(0).to()).isEqualTo(1);
    }

    private static Scenario pileupScenario(String policy) {
        // CPUs 0 and 1 each run two tasks and preempt at the same tick; CPU 5 is the only idle CPU
        Scenario s = new Scenario(TWO_LLCS).hog("a", 0, true).hog("b", 0, true).hog("c", 1, true).hog("d", 1, true);
        for (int c : new int[]{2, 3, 4, 6, 7}) s.hog("busy" + c, c, false);
        return s.run(policy, 4_500_000L, true);
    }

    @Test
    void twoPushersPileUpOnOneIdleCpuUnlessTheyClaimIt() {
        Scenario off = pileupScenario("push");
        List<Scenario.Move> pushes = off.moves("push");
        assertThat(pushes).hasSize(2);
        assertThat(pushes.get(0).t()).isEqualTo(pushes.get(1).t());
        assertThat(pushes).allSatisfy(m -> assertThat(m.to()).isEqualTo(5));

        Scenario claim = pileupScenario("push:pileup=claim");
        assertThat(claim.moves("push")).hasSize(1);
    }

    @Test
    void ipiContextLetsTheIdleTargetPull() {
        Scenario s = pushScenario("push:context=ipi");
        List<Scenario.Move> pushes = s.moves("push");
        assertThat(pushes).hasSize(1);
        // the move happens on the target after the IPI, not in the pusher's context switch
        assertThat(pushes.get(0).t()).isGreaterThanOrEqualTo(4_000_000L + org.schedlab.cost.CostModel.defaults().ipiLatencyNs);
        assertThat(s.out.rec.counts()).containsKey("ipis.push");
    }

    @Test
    void globalNeverIdlesWhileWorkWaitsAndBalancersReportTheirOverhead() {
        for (String policy : new String[]{"global", "pull", "push", "push:nohz=per-llc", "shared-runq"}) {
            RunSpec spec = RunSpec.of("synthetic:llcs=4,cores=4,smt=2", policy, "poisson:rate=25000,service=exp:1ms",
                    300_000_000L, 1);
            spec.warmupNs = 0;
            spec.costs = !policy.equals("global");
            ObjectNode r = Runner.run(spec);
            long iwo = r.get("metrics").get("idle_while_overloaded_ns").asLong();
            if (policy.equals("global")) {
                assertThat(iwo).isZero();
            } else {
                assertThat(iwo).as(policy).isPositive();
                assertThat(r.get("metrics").get("balance_overhead_ns").has("newidle")).as(policy).isTrue();
                assertThat(r.get("metrics").get("balance_overhead_total_ns").asLong()).isPositive();
            }
        }
    }

    @Test
    void fairnessAndAffinityHoldUnderPullAndPush() {
        for (String policy : new String[]{"pull", "push", "push:nohz=per-llc,context=ipi,pileup=claim"}) {
            // 16 equal hogs on 8 CPUs, starting badly placed: each should get half a CPU
            Scenario s = new Scenario(TWO_LLCS);
            for (int i = 0; i < 16; i++) s.hog("h" + i, i % 3, true);
            s.run(policy, 3_000_000_000L, true);
            long[] exec = s.out.taskExecNs;
            double mean = Arrays.stream(exec).average().orElse(0);
            assertThat(s.out.fairnessJain()).as(policy).isGreaterThan(0.98);
            assertThat(Arrays.stream(exec).min().orElse(0)).as(policy).isGreaterThan((long) (0.85 * mean));
            // checkInvariants (on in Scenario) fails the run if a task ever sits outside its allowed CPUs
            Scenario pinned = new Scenario(TWO_LLCS);
            for (int i = 0; i < 12; i++) pinned.hog("p" + i, i % 8, false);
            pinned.run(policy, 200_000_000L, true);
            assertThat(pinned.moves.stream().filter(m -> !m.kind().equals("fork"))).isEmpty();
        }
    }

    @Test
    void everyPolicyRunsTheBenchmarkShapesOnMilan() {
        for (String policy : Policies.names()) {
            for (String wl : new String[]{"hackbench:groups=2", "schbench:workers=64", "spec-rate:copies=300,work=20ms"}) {
                RunSpec spec = RunSpec.of("epyc-7763-2s", policy, wl, 60_000_000L, 1);
                spec.warmupNs = 0;
                spec.timelineBuckets = 0;
                ObjectNode r = Runner.run(spec);
                assertThat(r.get("metrics").get("tasks_created").asLong()).as(policy + " " + wl).isPositive();
            }
        }
    }
}
