package org.schedlab.policy.linux;

import org.junit.jupiter.api.Test;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.kernel.Machine;
import org.schedlab.policy.RqReader;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** SHARED_RUNQ v3 as posted, and K Prateek Nayak's idle check. */
class SharedRunqTest {
    /** CPU 0 runs one task and has two queued, all free to move (each has run once); the shard holds the queued ones. */
    private static SharedRunq sceneWithQueued(Machine m, Map<String, String> options, LoadBalance[] lbOut) {
        SchedContext ctx = Scenes.withOptions(m.context(), options, null);
        FairPlacement placement = new FairPlacement();
        placement.init(ctx);
        LoadBalance lb = new LoadBalance(ctx, placement);
        SharedRunq sr = new SharedRunq(ctx, lb, new NewidleBalance(ctx, lb));
        RqReader rq = ctx.reader(0, "test");
        for (int i = 0; i < rq.taskCount(0); i++) {
            TaskView t = rq.task(0, i);
            if (!t.isRunning()) sr.enqueue(0, t);
        }
        lbOut[0] = lb;
        return sr;
    }

    private static long newidleMoves(Machine m) { return m.recorder().counts().getOrDefault("migrations.newidle", 0L); }

    @Test
    void v3PopsTheShardBeforeAnyGateAndTheIdleCheckGatesItOnOverload() {
        for (String check : new String[]{"off", "on"}) {
            Machine m = Scenes.scene("synthetic:llcs=1,cores=4", new int[]{3}, false, 10_000_000L);
            LoadBalance[] lb = new LoadBalance[1];
            SharedRunq sr = sceneWithQueued(m, Map.of("idle_check", check), lb);
            lb[0].rdOverloaded = false;
            long before = newidleMoves(m);
            sr.sched_balance_newidle(1);
            // v3: shared_runq_pick_next_task runs first thing in newidle_balance; the idle check first asks
            // rd->overload, as newidle balancing does
            assertThat(newidleMoves(m) - before).as("idle_check=" + check).isEqualTo(check.equals("off") ? 1 : 0);
            lb[0].rdOverloaded = true;
            sr.sched_balance_newidle(2);
            assertThat(newidleMoves(m) - before).as("overloaded, idle_check=" + check).isEqualTo(check.equals("off") ? 2 : 1);
        }
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
