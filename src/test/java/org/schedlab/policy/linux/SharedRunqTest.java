package org.schedlab.policy.linux;

import org.junit.jupiter.api.Test;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.kernel.Machine;
import org.schedlab.policy.RqReader;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.SchedDomain;

import java.lang.reflect.Proxy;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SHARED_RUNQ v3 as posted, and the shared_runq_idle_check kernel of K Prateek Nayak's tables. */
class SharedRunqTest {
    /**
     * CPU 0 runs one task and has two queued, all free to move (each has run once); with {@code listed} the shard
     * holds the queued ones. The context answers avg_idle with {@code avgIdle}.
     */
    private static SharedRunq scene(Machine m, Map<String, String> options, long avgIdle, boolean listed, LoadBalance[] lbOut) {
        SchedContext real = Scenes.withOptions(m.context(), options, null);
        SchedContext ctx = (SchedContext) Proxy.newProxyInstance(SharedRunqTest.class.getClassLoader(),
                new Class<?>[]{SchedContext.class}, (proxy, method, args) ->
                        method.getName().equals("avgIdle") ? (Object) avgIdle : method.invoke(real, args));
        FairPlacement placement = new FairPlacement();
        placement.init(ctx);
        LoadBalance lb = new LoadBalance(ctx, placement);
        SharedRunq sr = new SharedRunq(ctx, lb, new NewidleBalance(ctx, lb));
        RqReader rq = ctx.reader(0, "test");
        for (int i = 0; listed && i < rq.taskCount(0); i++) {
            TaskView t = rq.task(0, i);
            if (!t.isRunning()) sr.enqueue(0, t);
        }
        lbOut[0] = lb;
        return sr;
    }

    private static long newidleMoves(Machine m) { return m.recorder().counts().getOrDefault("migrations.newidle", 0L); }

    @Test
    void theIdleCheckComparesAvgIdleWithTheCostAboveTheLlcBeforeThePeekAndRdOverloadAfterIt() {
        // two LLCs of 4 CPUs: the gate is sd_llc->parent's max_newidle_lb_cost, as v3 sets it; sd_llc's does not gate
        for (String check : new String[]{"off", "on"}) {
            Machine m = Scenes.scene("synthetic:llcs=2,cores=4", new int[]{3}, false, 10_000_000L);
            LoadBalance[] lb = new LoadBalance[1];
            SharedRunq sr = scene(m, Map.of("idle_check", check), 1_000, true, lb);
            SchedDomain llc = m.context().domains().sdLlc(1), above = llc.parent();
            assertThat(above).isNotNull();
            int gate = above.level;
            lb[0].sdState[1][llc.level].maxNewidleLbCost = 1_000_000;
            lb[0].sdState[2][llc.level].maxNewidleLbCost = 1_000_000;
            lb[0].sdState[1][gate].maxNewidleLbCost = 50_000;
            lb[0].rdOverloaded = true;
            long before = newidleMoves(m);
            sr.sched_balance_newidle(1);
            // avg_idle (1 µs) below the cost above the LLC (50 µs): only the idle check skips the peek
            assertThat(newidleMoves(m) - before).as("idle_check=" + check).isEqualTo(check.equals("off") ? 1 : 0);
            // rd->overload stays below the shard access in both kernels
            lb[0].rdOverloaded = false;
            lb[0].sdState[2][gate].maxNewidleLbCost = 0;
            sr.sched_balance_newidle(2);
            assertThat(newidleMoves(m) - before).as("not overloaded, idle_check=" + check).isEqualTo(check.equals("off") ? 2 : 1);
        }
    }

    @Test
    void afterAnEmptyPeekV3BalancesFromTheLowestDomainAsForEachDomainDoes() {
        // nothing listed in the shards: the peek finds nothing; the MC domain (CPU 1's LLC, with CPU 0's two queued
        // tasks) is balanced, where a loop starting above the LLC finds CPU 1's own LLC the busiest and moves nothing
        Machine m = Scenes.scene("synthetic:llcs=2,cores=4", new int[]{3}, false, 10_000_000L);
        LoadBalance[] lb = new LoadBalance[1];
        SharedRunq sr = scene(m, Map.of(), 1_000_000, false, lb);
        lb[0].rdOverloaded = true;
        long before = newidleMoves(m);
        sr.sched_balance_newidle(1);
        assertThat(newidleMoves(m) - before).isEqualTo(1);
    }

    @Test
    void everyQueuedTaskPassesThroughItsShardUnderTheLock() {
        // jobs wake onto idle CPUs: each is pushed when enqueued and taken off when picked, two lock writes
        RunSpec s = RunSpec.of("synthetic:llcs=1,cores=4", "shared-runq", "poisson:rate=2000,service=exp:100us",
                200_000_000L, 1);
        s.timelineBuckets = 0;
        var r = Runner.run(s);
        long jobs = r.get("metrics").get("jobs_completed").asLong();
        long writes = r.get("metrics").get("counts").get("shared_line_updates.shared_runq").asLong();
        assertThat(jobs).isGreaterThan(100);
        assertThat(writes).isGreaterThanOrEqualTo(2 * jobs);
    }

    @Test
    void cpusUseShardCpuHalvesModuloTheNumberOfShards() {
        Machine m = Scenes.scene("synthetic:llcs=1,cores=16", new int[]{1}, true, 100_000L);
        SchedContext ctx = Scenes.withOptions(m.context(), Map.of(), null);
        FairPlacement placement = new FairPlacement();
        placement.init(ctx);
        LoadBalance lb = new LoadBalance(ctx, placement);
        SharedRunq sr = new SharedRunq(ctx, lb, new NewidleBalance(ctx, lb));
        // 16 CPUs in shards of 6: 3 shards; shared_runq_shard_idx = (cpu >> 1) % 3
        for (int c = 0; c < 16; c++) assertThat(sr.shardIndex(c)).as("CPU %d", c).isEqualTo((c >> 1) % 3);
    }
}
