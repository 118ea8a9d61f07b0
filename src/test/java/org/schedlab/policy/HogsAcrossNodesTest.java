package org.schedlab.policy;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 48 CPU hogs on 2 nodes of 8 CPUs under {@code pull}. A perfectly even spread is balanced at every level and
 * nothing moves. From all hogs on node 0 (the synthetic machine's node distance, 32, is above node_reclaim_distance,
 * so fork balancing does not cross nodes), NUMA balancing moves hogs over during start-up and stops once the nodes
 * are within imbalance_pct (117) of each other: with both nodes overloaded, sched_balance_find_src_group leaves
 * 25/23 alone (100 × 3200 ≤ 117 × 2944); only the odd node's LLC keeps passing its fourth hog around.
 */
class HogsAcrossNodesTest {
    private static final String TOPO = "synthetic:packages=2,llcs=2,cores=4,smt=1";

    private static int node(int cpu) { return cpu / 8; }

    private static long crossNodeMoves(Scenario s, long from) {
        return s.moves.stream().filter(m -> m.t() >= from && node(m.from()) != node(m.to())).count();
    }

    @Test
    void threeHogsPerCpuStayThreePerCpu() {
        Scenario s = new Scenario(TOPO);
        for (int i = 0; i < 48; i++) s.hog("hog" + i, i % 16, true);
        s.run("pull", 3_000_000_000L, true);
        int[] three = new int[16];
        Arrays.fill(three, 3);
        assertThat(s.perCpu()).containsExactly(three);
        assertThat(s.moves).isEmpty();
    }

    @Test
    void hogsStartedOnOneNodeSpreadUntilTheNodesAreWithinImbalancePct() {
        Scenario s = new Scenario(TOPO);
        for (int i = 0; i < 48; i++) s.hog("hog" + i, i % 8, true);
        s.run("pull", 6_000_000_000L, true);
        int[] perCpu = s.perCpu();
        int node0 = Arrays.stream(perCpu, 0, 8).sum(), node1 = Arrays.stream(perCpu, 8, 16).sum();
        // both overloaded: balanced once 100 × busiest avg_load <= 117 × local avg_load
        int busiest = Math.max(node0, node1), local = Math.min(node0, node1);
        assertThat(100 * busiest).isLessThanOrEqualTo(117 * local);
        assertThat(crossNodeMoves(s, 0)).isPositive();
        // start-up is over within 3 s (one NUMA pass per busy interval of 256 ms moves one or two hogs)
        assertThat(crossNodeMoves(s, 3_000_000_000L)).isZero();
        // inside a node every CPU holds 3 or 4 (the odd node's extra hog), never fewer than 3 on the fuller node
        for (int c = 0; c < 16; c++) assertThat(perCpu[c]).as("CPU %d", c).isBetween(2, 4);
    }
}
