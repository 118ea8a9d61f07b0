package org.schedlab.policy.linux;

import org.junit.jupiter.api.Test;
import org.schedlab.kernel.Machine;
import org.schedlab.policy.RqReader;
import org.schedlab.policy.SchedContext;
import org.schedlab.topology.SchedDomain;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * sched_balance_rq's bookkeeping as fair.c does it, one rule at a time. A machine runs a placement-only policy
 * (linux-wake: nothing balances) to set the scene; a separate {@link LoadBalance} then balances on it by hand.
 */
class BalanceFidelityTest {
    /** mainline's balancing parts, built on {@code ctx} with every option at its default. */
    private static final class Pull {
        final LoadBalance lb;
        final NewidleBalance newidle;

        Pull(SchedContext ctx) {
            FairPlacement placement = new FairPlacement();
            placement.init(ctx);
            lb = new LoadBalance(ctx, placement);
            newidle = new NewidleBalance(ctx, lb);
        }
    }

    private static Pull pullOn(SchedContext ctx) { return new Pull(Scenes.withOptions(ctx, Map.of(), null)); }

    private static int level(Machine m, int cpu, String name) {
        SchedDomain[] sds = m.context().domains().of(cpu);
        for (int l = 0; l < sds.length; l++) if (sds[l].name.equals(name)) return l;
        throw new AssertionError("no " + name + " domain on CPU " + cpu);
    }

    @Test
    void shouldWeBalanceFailureEndsTheClimbResetsFailuresAndBacksOff() {
        // LLC 0 busy, LLC 1 idle: at the package level only CPU 4 (the first idle core of LLC 1) balances
        Machine m = Scenes.scene("synthetic:llcs=2,cores=4", new int[]{1, 1, 1, 1}, true, 1_000_000L);
        Pull pull = pullOn(m.context());
        int pkg = level(m, 5, "PKG");
        LoadBalance.SdState st = pull.lb.sdState[5][pkg];
        st.nrBalanceFailed = 3;
        int min = st.balanceIntervalMs;
        boolean climb = pull.lb.sched_balance_rq(5, 5, pkg, LbEnv.CPU_IDLE, new int[1], "periodic");
        assertThat(climb).isFalse();                        // continue_balancing = 0
        assertThat(st.nrBalanceFailed).isZero();             // out_balanced
        assertThat(st.balanceIntervalMs).isEqualTo(2 * min); // interval doubled
        // newly idle: no back-off
        LoadBalance.SdState st6 = pull.lb.sdState[6][pkg];
        int before = st6.balanceIntervalMs;
        pull.lb.sched_balance_rq(6, 6, pkg, LbEnv.CPU_NEWLY_IDLE, new int[1], "newidle");
        assertThat(st6.balanceIntervalMs).isEqualTo(before);
    }

    @Test
    void numaBalancingIsSerialisedBySchedBalanceRunning() {
        // node 0 overloaded (two tasks per CPU), node 1 idle
        Machine m = Scenes.scene("synthetic:packages=2,cores=4", new int[]{2, 2, 2, 2}, false, 10_000_000L);
        Pull pull = pullOn(m.context());
        int numa = level(m, 4, "NUMA");
        assertThat(m.context().domains().of(4)[numa].has(SchedDomain.SD_SERIALIZE)).isTrue();
        for (LoadBalance.SdState[] s : pull.lb.sdState) s[numa].nrBalanceFailed = 5;   // cache-hot tasks may move
        int[] moved = new int[1];
        pull.lb.sched_balance_rq(4, 4, numa, LbEnv.CPU_NEWLY_IDLE, moved, "newidle");
        assertThat(moved[0]).isEqualTo(1);
        long until = pull.lb.balanceRunningUntil;
        assertThat(until).isGreaterThan(m.context().now() + 500);
        // CPU 5, through 500 ns of other kernel work first, reaches the cmpxchg while CPU 4's pass still holds the
        // flag: it loses and does not balance
        m.context().charge(5, 500, "test");
        int[] moved5 = new int[1];
        pull.lb.sched_balance_rq(5, 5, numa, LbEnv.CPU_NEWLY_IDLE, moved5, "newidle");
        assertThat(moved5[0]).isZero();
        assertThat(m.recorder().counts()).containsEntry("balance.serialize_lost.newidle", 1L);
        // the holder's own next pass is not blocked by itself
        int[] again = new int[1];
        pull.lb.sched_balance_rq(4, 4, numa, LbEnv.CPU_NEWLY_IDLE, again, "newidle");
        assertThat(m.recorder().counts()).containsEntry("balance.serialize_lost.newidle", 1L);
    }

    /** A migrate_util pass of CPU 4's package level pulling from CPU 0 with {@code imbalance} of util to move. */
    private static LbEnv utilEnv(Pull pull, Machine m, int pkg, double imbalance) {
        LbEnv env = new LbEnv();
        env.rq = m.context().reader(4, "periodic");
        env.sd = m.context().domains().of(4)[pkg];
        env.level = pkg;
        env.dst = env.acting = 4;
        env.idle = LbEnv.CPU_IDLE;
        env.cpus = env.sd.span.copy();
        env.kind = "periodic";
        env.srcCpu = 0;
        env.loopMax = 8;
        env.migrationType = LbEnv.MIGRATE_UTIL;
        env.imbalanceLoad = imbalance;
        return env;
    }

    @Test
    void migrateUtilHalvesTheTaskUtilPerFailedAttempt() {
        Machine m = Scenes.scene("synthetic:llcs=2,cores=4", new int[]{2}, false, 20_000_000L);
        Pull pull = pullOn(m.context());
        int pkg = level(m, 4, "PKG");
        RqReader rq = m.context().reader(4, "periodic");
        double util = rq.task(0, 0).isRunning() ? rq.task(0, 1).utilEst() : rq.task(0, 0).utilEst();
        assertThat(util).isGreaterThan(200);
        pull.lb.sdState[4][pkg].nrBalanceFailed = 2;        // util >> 2 (shr_bound) fits an imbalance of util / 3
        assertThat(pull.lb.detachTasks(utilEnv(pull, m, pkg, util / 3))).isEqualTo(1);

        Machine m2 = Scenes.scene("synthetic:llcs=2,cores=4", new int[]{2}, false, 20_000_000L);
        Pull pull2 = pullOn(m2.context());
        pull2.lb.sdState[4][pkg].nrBalanceFailed = 0;       // the whole util does not
        assertThat(pull2.lb.detachTasks(utilEnv(pull2, m2, pkg, util / 3))).isZero();
    }

    @Test
    void aSuccessfulActiveBalanceResetsTheFailureCountOfTheDomainSpanningBoth() {
        Machine m = Scenes.scene("synthetic:llcs=2,cores=4", new int[]{1}, true, 1_000_000L);
        Pull pull = pullOn(m.context());
        int mc = level(m, 5, "MC"), pkg = level(m, 5, "PKG");
        pull.lb.sdState[5][mc].nrBalanceFailed = 4;
        pull.lb.sdState[5][pkg].nrBalanceFailed = 4;
        pull.lb.activeBalanceDone(0, 5, false);
        assertThat(pull.lb.sdState[5][pkg].nrBalanceFailed).isEqualTo(4);
        pull.lb.activeBalanceDone(0, 5, true);                 // CPU 0 is in CPU 5's package domain, not its LLC
        assertThat(pull.lb.sdState[5][pkg].nrBalanceFailed).isZero();
        assertThat(pull.lb.sdState[5][mc].nrBalanceFailed).isEqualTo(4);
    }

    @Test
    void newidleBailsOutWhenAWakeupIsPending() {
        // CPU 0 has queued work; CPU 1 goes newly idle
        for (boolean pending : new boolean[]{false, true}) {
            Machine m = Scenes.scene("synthetic:llcs=1,cores=4", new int[]{3}, false, 100_000L);
            Pull pull = new Pull(Scenes.withOptions(m.context(), Map.of(), pending));
            pull.lb.rdOverloaded = true;
            long before = m.context().chargedNs(1);
            long scans = m.recorder().counts().getOrDefault("rq_scans.newidle", 0L);
            pull.newidle.sched_balance_newidle(1);
            long after = m.recorder().counts().getOrDefault("rq_scans.newidle", 0L);
            if (pending) {
                assertThat(after).isEqualTo(scans);
                assertThat(m.context().chargedNs(1)).isEqualTo(before);
            } else {
                assertThat(after).isGreaterThan(scans);
            }
        }
    }

    @Test
    void pushNewidleAsPostedGivesUpWhileStillEmptyAndSkipsTheNumaLevels() {
        long[] numaPulls = new long[2];
        String[] modes = {"as-posted", "intended"};
        for (int k = 0; k < 2; k++) {
            String mode = modes[k];
            // node 0 overloaded, node 1 empty: CPU 4 goes newly idle
            Machine m = Scenes.scene("synthetic:packages=2,cores=4", new int[]{2, 2, 2, 2}, false, 10_000_000L);
            SchedContext ctx = Scenes.withOptions(m.context(), Map.of("newidle", mode, "ni_random", "off"), null);
            Pull pull = new Pull(ctx);
            PushBalance push = new PushBalance(ctx, pull.lb, pull.newidle, new NohzBalance(ctx, pull.lb, false));
            pull.lb.rdOverloaded = true;
            for (LoadBalance.SdState[] s : pull.lb.sdState) for (LoadBalance.SdState st : s) st.nrBalanceFailed = 5;
            long before = m.recorder().counts().getOrDefault("migrations.newidle", 0L);
            push.sched_balance_newidle(4);
            numaPulls[k] = m.recorder().counts().getOrDefault("migrations.newidle", 0L) - before;
        }
        assertThat(numaPulls[0]).as("as posted").isZero();
        assertThat(numaPulls[1]).as("as intended: the mainline NUMA newidle pass pulls one task").isEqualTo(1);
    }

    @Test
    void theNewidleCostBumpInflatesFailedDomainsUpToTheMigrationCost() {
        // CPU 0 runs its only task: CPU 5 finds nothing to pull at any level
        for (String mode : new String[]{"measured", "bump"}) {
            Machine m = Scenes.scene("synthetic:llcs=2,cores=4", new int[]{1}, true, 1_000_000L);
            Pull pull = new Pull(Scenes.withOptions(m.context(), Map.of("newidle_cost", mode, "ni_random", "off"), null));
            pull.lb.rdOverloaded = true;
            LoadBalance.SdState[] st = pull.lb.sdState[5];
            st[0].maxNewidleLbCost = 1_000;
            st[1].maxNewidleLbCost = 400_000;
            pull.newidle.sched_balance_newidle(5);
            if (mode.equals("bump")) {
                assertThat(st[0].maxNewidleLbCost).isEqualTo(1_500);          // 3/2 of the maximum on failure
                assertThat(st[1].maxNewidleLbCost).isEqualTo(500_000 + 200);  // capped at migration_cost + 200
            } else {
                assertThat(st[0].maxNewidleLbCost).isLessThan(1_500);         // the pass's own cost, well below
                assertThat(st[1].maxNewidleLbCost).isEqualTo(400_000);
            }
        }
    }
}
