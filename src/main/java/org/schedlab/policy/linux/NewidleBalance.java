package org.schedlab.policy.linux;

import org.schedlab.engine.Rng;
import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.linux.LoadBalance.SdState;
import org.schedlab.topology.SchedDomain;

import static org.schedlab.policy.linux.LbEnv.CPU_NEWLY_IDLE;

/**
 * Mainline newidle balancing (sched_balance_newidle, fair.c 6.19): a CPU about to go idle climbs its domains
 * while its avg_idle exceeds the cost spent so far plus each domain's max_newidle_lb_cost, with NI_RANDOM
 * skipping domains in proportion to their recent success, and stops at the first task pulled. Before climbing it
 * updates its own blocked averages (sched_balance_update_blocked_averages). With
 * {@code newidle_cost=bump} a failed pass records 1.5 × the domain's max_newidle_lb_cost as its cost (155213a2aed4,
 * 6.17; reverted in 6.19 by d206fbad9328), so newidle gives up on domains that keep failing.
 */
final class NewidleBalance {
    static final PolicyOption NI_RANDOM = PolicyOption.onOff("ni_random",
            "NI_RANDOM: newidle tries a domain with probability of its recent success ratio", true);
    static final PolicyOption NEWIDLE_COST = PolicyOption.choice("newidle_cost",
            "max_newidle_lb_cost: measured (mainline) or bump (155213a2aed4: x1.5 on a failed pass, capped at migration_cost + 200 ns)",
            "measured", "bump");

    private final SchedContext ctx;
    private final LoadBalance lb;
    private final boolean niRandom;
    private final Rng niRng;

    NewidleBalance(SchedContext ctx, LoadBalance lb) {
        this.ctx = ctx;
        this.lb = lb;
        this.niRandom = NI_RANDOM.isOn(ctx.option(NI_RANDOM));
        this.niRng = ctx.rng("ni_random");
        lb.newidleCostBump = ctx.option(NEWIDLE_COST).equals("bump");
    }

    /** sched_balance_newidle (6.19, with NI_RANDOM unless switched off). */
    void sched_balance_newidle(int cpu) {
        SchedDomain[] sds = ctx.domains().of(cpu);
        if (sds.length == 0) return;
        // a task is on its way to this CPU's wakelist: no need to look for one
        if (ctx.ttwuPending(cpu)) return;
        long avgIdle = ctx.avgIdle(cpu);
        if (!lb.rdOverloaded || avgIdle < lb.sdState[cpu][0].maxNewidleLbCost) {
            lb.pullNextBalanceEarlier(cpu, 0);
            return;
        }
        ctx.updateBlockedAverages(cpu);
        newidleFrom(cpu, 0, 0);
    }

    /** The mainline newidle loop from domain {@code fromLevel} with {@code currCost} already spent. Returns pulled. */
    int newidleFrom(int cpu, int fromLevel, long currCost) {
        SchedDomain[] sds = ctx.domains().of(cpu);
        long avgIdle = ctx.avgIdle(cpu);
        int pulled = 0;
        for (int l = fromLevel; l < sds.length; l++) {
            SchedDomain sd = sds[l];
            SdState st = lb.sdState[cpu][l];
            lb.updateNewidleCost(st, 0);
            if (avgIdle < currCost + st.maxNewidleLbCost) break;
            if (sd.has(SchedDomain.SD_BALANCE_NEWIDLE)) {
                int weight = 1;
                if (niRandom) {
                    int d = niRng.nextInt(1024);
                    int ratio = 1 + st.newidleRatio;
                    if (d > ratio) {
                        newidleStats(st, false, 0);
                        continue;
                    }
                    weight = (1024 + ratio / 2) / ratio;
                }
                long before = ctx.chargedNs(cpu);
                int[] moved = new int[1];
                boolean cont = lb.sched_balance_rq(cpu, cpu, l, CPU_NEWLY_IDLE, moved, "newidle");
                long cost = ctx.chargedNs(cpu) - before;
                currCost += cost;
                // 155213a2aed4: "Failing newidle means it is not effective; bump the cost so we end up doing less of it."
                if (lb.newidleCostBump && moved[0] == 0) cost = 3 * st.maxNewidleLbCost / 2;
                lb.updateNewidleCost(st, cost);
                if (niRandom) newidleStats(st, moved[0] > 0, weight);
                pulled += moved[0];
                if (moved[0] > 0 || !cont) break;
            }
        }
        ctx.setMaxIdleBalanceCost(cpu, Math.max(ctx.maxIdleBalanceCost(cpu), currCost));
        lb.pullNextBalanceEarlier(cpu, fromLevel);
        return pulled;
    }

    private void newidleStats(SdState st, boolean success, int weight) {
        st.newidleCall++;
        if (success) st.newidleSuccess += weight;
        if (st.newidleCall >= 1024) {
            st.newidleRatio = Math.min(1023, st.newidleSuccess);
            st.newidleCall /= 2;
            st.newidleSuccess /= 2;
        }
    }
}
