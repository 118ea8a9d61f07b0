package org.schedlab.policy.linux;

import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code shared-runq}: the SHARED_RUNQ prototype on top of {@code pull}. Each LLC has a shared FIFO of
 * runnable tasks, split into shards of {@code shard} CPUs (default 6), each with its own lock. A task woken
 * onto a busy CPU is also added to its shard; a CPU about to go idle first pops its shard, then the other
 * shards of its LLC, and only then runs the mainline newidle path above the LLC.
 */
public final class SharedRunqPolicy extends PullPolicy {
    private int shardSize;
    private final Map<Integer, ArrayDeque<TaskView>> shards = new HashMap<>();
    private int[] shardOf;

    @Override public String name() { return "shared-runq"; }

    @Override public void init(SchedContext ctx) {
        super.init(ctx);
        shardSize = Integer.parseInt(ctx.option("shard", "6"));
        if (shardSize <= 0) throw new org.schedlab.InputError("policy shared-runq: shard must be positive");
        int n = ctx.nrCpus();
        shardOf = new int[n];
        for (int c = 0; c < n; c++) {
            int llc = ctx.domains().llcId(c);
            CpuSet span = ctx.topology().llcSpan(ctx.topology().llcOf(c));
            int idx = 0;
            for (int i = span.first(); i >= 0 && i != c; i = span.nextSetBit(i + 1)) idx++;
            shardOf[c] = llc * 4096 + idx / shardSize;
        }
    }

    private ArrayDeque<TaskView> shard(int id) { return shards.computeIfAbsent(id, k -> new ArrayDeque<>()); }

    @Override public void enqueue(int cpu, TaskView p, int flags) {
        super.enqueue(cpu, p, flags);
        if (ctx.curr(cpu) != null && p.nrCpusAllowed() > 1) {
            ctx.chargeSharedLine(cpu, "shared_runq." + shardOf[cpu], "shared_runq");
            shard(shardOf[cpu]).add(p);
        }
    }

    @Override public void dequeue(int cpu, TaskView p, int flags) {
        ArrayDeque<TaskView> s = shards.get(shardOf[cpu]);
        if (s != null) s.remove(p);
    }

    @Override public void running(int cpu, TaskView p) {
        ArrayDeque<TaskView> s = shards.get(shardOf[cpu]);
        if (s != null) s.remove(p);
    }

    @Override protected void sched_balance_newidle(int cpu) {
        if (rdOverloaded && popShards(cpu)) return;
        SchedDomain llc = ctx.domains().sdLlc(cpu);
        int from = llc == null ? 0 : llc.level + 1;
        if (!rdOverloaded || from >= ctx.domains().of(cpu).length) {
            pullNextBalanceEarlier(cpu, 0);
            return;
        }
        newidleFrom(cpu, from, 0);
    }

    /** Pops the first task of the own shard, then of the LLC's other shards, that may run here. */
    private boolean popShards(int cpu) {
        int own = shardOf[cpu];
        int base = own - own % 4096;
        int nShards = (ctx.domains().llcSize(cpu) + shardSize - 1) / shardSize;
        for (int k = 0; k < nShards; k++) {
            int sid = base + (own - base + k) % nShards;
            ArrayDeque<TaskView> s = shards.get(sid);
            if (s == null || s.isEmpty()) continue;
            ctx.chargeSharedLine(cpu, "shared_runq." + sid, "newidle");
            while (!s.isEmpty()) {
                TaskView p = s.poll();
                if (p.isQueued() && p.cpu() != cpu && p.canRunOn(cpu) && ctx.migrate(p, cpu, cpu, "newidle")) return true;
            }
        }
        return false;
    }
}
