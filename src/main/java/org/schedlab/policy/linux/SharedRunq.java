package org.schedlab.policy.linux;

import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * The SHARED_RUNQ prototype: each LLC has a shared FIFO of runnable tasks, split into shards of {@code shard} CPUs
 * (default 6), each with its own lock. A task woken onto a busy CPU is also added to its shard; a CPU about to go
 * idle first pops its shard, then the other shards of its LLC, and only then runs the mainline newidle path above
 * the LLC.
 */
final class SharedRunq {
    static final PolicyOption SHARD = PolicyOption.positive("shard", "CPUs per shared-runqueue shard", 6);

    private final SchedContext ctx;
    private final LoadBalance lb;
    private final NewidleBalance mainline;
    private final int shardSize;
    private final Map<Integer, ArrayDeque<TaskView>> shards = new HashMap<>();
    private final int[] shardOf;

    SharedRunq(SchedContext ctx, LoadBalance lb, NewidleBalance mainline) {
        this.ctx = ctx;
        this.lb = lb;
        this.mainline = mainline;
        shardSize = Integer.parseInt(ctx.option(SHARD));
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

    void enqueue(int cpu, TaskView p) {
        if (ctx.curr(cpu) != null && p.nrCpusAllowed() > 1) {
            ctx.chargeSharedLine(cpu, "shared_runq." + shardOf[cpu], "shared_runq");
            shard(shardOf[cpu]).add(p);
        }
    }

    void dequeue(int cpu, TaskView p) {
        ArrayDeque<TaskView> s = shards.get(shardOf[cpu]);
        if (s != null) s.remove(p);
    }

    void running(int cpu, TaskView p) {
        ArrayDeque<TaskView> s = shards.get(shardOf[cpu]);
        if (s != null) s.remove(p);
    }

    /** Newidle: the shards first, then the mainline path above the LLC. */
    void sched_balance_newidle(int cpu) {
        if (lb.rdOverloaded && popShards(cpu)) return;
        SchedDomain llc = ctx.domains().sdLlc(cpu);
        int from = llc == null ? 0 : llc.level + 1;
        if (!lb.rdOverloaded || from >= ctx.domains().of(cpu).length) {
            lb.pullNextBalanceEarlier(cpu, 0);
            return;
        }
        ctx.updateBlockedAverages(cpu);
        mainline.newidleFrom(cpu, from, 0);
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
